import base64
from urllib.parse import urlencode

import pytest

from kundsvar.channels.phone.models import PhoneSettings, Provider
from kundsvar.channels.phone.providers import twilio
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from . import fake_provider

FORM = "application/x-www-form-urlencoded"
ELKS_USER, ELKS_PASSWORD = "u1234567890abcdef", "elks-api-password"
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 30 + "12", "twilio-auth-token"


@pytest.fixture(scope="session")
def _server():
    fake, server = fake_provider.start()
    yield fake
    server.shutdown()


@pytest.fixture(autouse=True)
def fake(_server, settings):
    """Every provider API call of these tests goes to the local fake server."""
    _server.reset()
    _server.credentials.update({ELKS_USER: ELKS_PASSWORD, TWILIO_SID: TWILIO_TOKEN})
    settings.PHONE_46ELKS_API_URL = _server.url
    settings.PHONE_TWILIO_API_URL = _server.url
    settings.SITE_URL = "https://support.example"
    settings.PHONE_SPEECH_COMMAND = ""  # no spoken words unless a test asks (test_spoken)
    return _server


def connect(shop, provider: str, **extra) -> PhoneSettings:
    account, secret = (
        (ELKS_USER, ELKS_PASSWORD) if provider == Provider.ELKS else (TWILIO_SID, TWILIO_TOKEN)
    )
    values = {
        "provider": provider,
        "account": account,
        "secret": secret,
        "number": "+46766860000",
        "sms_enabled": True,
        **extra,
    }
    phone, _ = PhoneSettings.objects.update_or_create(shop=shop, defaults=values)
    return phone


@pytest.fixture
def shop(db):
    return ShopFactory(name="Nätbutiken")


@pytest.fixture
def elks(shop):
    return connect(shop, Provider.ELKS)


@pytest.fixture
def twilio_phone(shop):
    return connect(shop, Provider.TWILIO)


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop])


def elks_auth(phone: PhoneSettings, password: str | None = None) -> dict:
    token = base64.b64encode(f"kundsvar:{password or phone.hook_password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def twilio_post(client, phone, url_name: str, data: dict, *, signature: str | None = None):
    """POST as Twilio does: form-encoded, signed over the full URL and the parameters."""
    from django.urls import reverse

    path = reverse(f"phone:{url_name}", args=[phone.hook_token])
    url = f"http://testserver{path}"
    sign = signature or twilio.signature(phone.secret, url, {k: [v] for k, v in data.items()})
    return client.post(path, urlencode(data), FORM, HTTP_X_TWILIO_SIGNATURE=sign)
