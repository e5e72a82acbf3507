import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

PASSWORD = "pw"  # the factories' password


@pytest.fixture
def english(client):
    """Pages in English whatever the installation's default (messages are asserted on)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def alice(db):
    return AgentFactory(username="alice", first_name="Alice", shops=[ShopFactory()])


def totp_code(device: TOTPDevice) -> str:
    """The code the agent's authenticator app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(agent) -> TOTPDevice:
    return TOTPDevice.objects.create(user=agent, name="app", confirmed=True)
