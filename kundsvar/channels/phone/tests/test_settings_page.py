"""Settings → Phone and SMS: a shop admin connects 46elks or Twilio, copies the webhook
addresses, and a test SMS shows the provider's own answer when a credential is wrong.
The secret is stored and never shown again."""

import pytest
from django.test import Client
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.channels.phone.models import PhoneSettings
from kundsvar.shops.tests.factories import AgentFactory

from .conftest import ELKS_PASSWORD, ELKS_USER, TWILIO_SID, TWILIO_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    client = Client()
    client.force_login(agent)
    return client


def save(admin, shop, **values):
    data = {
        "provider": "46elks",
        "account": ELKS_USER,
        "secret": ELKS_PASSWORD,
        "number": "+46766860000",
        "agent_numbers": "+46701111111",
        "sms_enabled": "on",
        "sms_acknowledge": "on",
        "callback_attempts": "3",
        "ivr_prompt_url": "",
        **values,
    }
    return admin.post(reverse("settings:phone", args=[shop.slug]), data)


def test_connecting_46elks_keeps_the_secret_and_shows_the_addresses_to_copy(admin, shop):
    assert save(admin, shop).status_code == 302
    phone = PhoneSettings.objects.get(shop=shop)
    assert phone.connected and phone.sends_sms and phone.secret == ELKS_PASSWORD
    page = admin.get(reverse("settings:phone", args=[shop.slug])).content.decode()
    assert ELKS_PASSWORD not in page  # never shown again
    sms_url = reverse("phone:elks_sms", args=[phone.hook_token])
    assert f"http://kundsvar:{phone.hook_password}@testserver{sms_url}" in page
    assert reverse("phone:elks_voice", args=[phone.hook_token]) in page
    # Saving again with the secret left empty keeps it.
    assert save(admin, shop, secret="", agent_numbers="").status_code == 302
    phone.refresh_from_db()
    assert phone.secret == ELKS_PASSWORD and phone.agent_numbers == ""


def test_a_test_sms_goes_out_or_says_what_the_provider_answered(admin, shop, fake):
    save(admin, shop)
    url = reverse("settings:phone", args=[shop.slug])
    page = admin.post(url, {"action": "test", "to": "+46701234567"}, follow=True)
    assert "Test-sms skickat (id s" in page.content.decode()  # the agent reads Swedish
    assert fake.sent[-1].form["to"] == "+46701234567"
    save(admin, shop, secret="wrong-password")
    page = admin.post(url, {"action": "test", "to": "+46701234567"}, follow=True).content
    assert "401: API access requires Basic HTTP authentication" in page.decode()
    assert len(fake.sent) == 1


def test_twilio_shows_its_three_addresses_and_a_wrong_token_is_named(admin, shop, fake):
    assert (
        save(admin, shop, provider="twilio", account=TWILIO_SID, secret=TWILIO_TOKEN).status_code
        == 302
    )
    phone = PhoneSettings.objects.get(shop=shop)
    page = admin.get(reverse("settings:phone", args=[shop.slug])).content.decode()
    for name in ("twilio_sms", "twilio_voice", "twilio_status"):
        assert f"http://testserver{reverse(f'phone:{name}', args=[phone.hook_token])}" in page
    save(admin, shop, provider="twilio", account=TWILIO_SID, secret="old-token")
    url = reverse("settings:phone", args=[shop.slug])
    page = admin.post(url, {"action": "test", "to": "+46701234567"}, follow=True).content
    assert "Authenticate" in page.decode() and "401" in page.decode()


def test_a_provider_without_its_credentials_is_refused(admin, shop):
    response = save(admin, shop, account="", secret="")
    assert response.status_code == 200 and not PhoneSettings.objects.get(shop=shop).connected
    assert save(admin, shop, number="0766860000").status_code == 200


def test_only_the_shops_admin_sees_the_page(shop):
    agent = AgentFactory(shops=[shop])  # an agent, not an admin
    client = Client()
    client.force_login(agent)
    assert client.get(reverse("settings:phone", args=[shop.slug])).status_code == 403
    assert Client().get(reverse("settings:phone", args=[shop.slug])).status_code == 302


def test_a_webhook_that_failed_is_shown_and_can_be_tried_again(admin, shop, elks):
    from kundsvar.channels.hooks import services as hooks
    from kundsvar.channels.hooks.models import HookState, InboundHook

    hook, _ = hooks.store(
        provider="46elks",
        kind="sms",
        shop=shop,
        external_id="s-broken",
        body=b"id=s-broken&from=%2B46701234567&message=Hej",
        processor="kundsvar.channels.phone.processors.no_such_processor",
    )
    InboundHook.objects.filter(pk=hook.pk).update(
        state=HookState.FAILED, attempts=6, last_error="AttributeError: no_such_processor"
    )
    url = reverse("settings:phone", args=[shop.slug])
    page = admin.get(url).content.decode()
    assert "s-broken" in page and "AttributeError: no_such_processor" in page
    assert admin.post(url, {"action": "retry_hooks"}).status_code == 302
    hook.refresh_from_db()
    assert hook.state == HookState.PENDING and hook.attempts == 0
