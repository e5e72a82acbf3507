"""A shop admin connects each platform: ids and secrets (never shown again), the webhook
URL to copy, "send test" with the platform's own words when a credential is wrong, and
the WhatsApp templates agents may choose from."""

import pytest
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.channels.social.models import Connection, WhatsAppTemplate
from kundsvar.shops.tests.factories import AgentFactory

from . import payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(shop):
    agent = AgentFactory(language="en")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


def test_an_admin_connects_whatsapp_and_the_secrets_are_not_shown_again(client, admin, shop):
    client.force_login(admin)
    url = reverse("settings:social_whatsapp", args=[shop.slug])
    answer = client.post(
        url,
        {
            "account_id": payloads.PHONE_ID,
            "access_token": "EAAG-very-secret-token",
            "app_secret": "s3cr3t-app",
            "verify_token": "kundsvar-verify",
            "acknowledge": "on",
            "active": "on",
            "action": "save",
        },
    )
    assert answer.status_code == 302
    connection = Connection.objects.get(shop=shop, platform="whatsapp")
    assert connection.access_token == "EAAG-very-secret-token"
    page = client.get(url).content.decode()
    assert "EAAG-very-secret-token" not in page and "s3cr3t-app" not in page
    assert f"/hooks/meta/{connection.webhook_key}/" in page
    # Saving again with the secret fields empty keeps the secrets.
    client.post(
        url,
        {
            "account_id": payloads.PHONE_ID,
            "verify_token": "new-verify",
            "active": "on",
            "action": "save",
        },
    )
    connection.refresh_from_db()
    assert (
        connection.access_token == "EAAG-very-secret-token"
        and connection.verify_token == "new-verify"
    )
    assert not connection.acknowledge
    overview = client.get(reverse("settings:social", args=[shop.slug])).content.decode()
    assert payloads.PHONE_ID in overview


def test_a_new_connection_needs_its_secrets(client, admin, shop):
    client.force_login(admin)
    url = reverse("settings:social_messenger", args=[shop.slug])
    answer = client.post(
        url, {"account_id": payloads.PAGE_ID, "verify_token": "v", "action": "save"}
    )
    assert answer.status_code == 200 and not Connection.objects.exists()


def test_send_test_shows_the_account_or_the_platforms_error(client, admin, whatsapp, graph):
    client.force_login(admin)
    url = reverse("settings:social_whatsapp", args=[whatsapp.shop.slug])
    graph.answer(
        "GET",
        f"/{payloads.PHONE_ID}",
        200,
        {
            "verified_name": "Nordljus",
            "display_phone_number": "+46 8 123 456 00",
            "id": payloads.PHONE_ID,
        },
    )
    page = client.post(url, {"action": "test"}, follow=True).content.decode()
    assert "Connected: Nordljus +46 8 123 456 00" in page
    assert graph.requests[-1].headers["Authorization"] == "Bearer token-whatsapp"
    graph.fail(
        "GET",
        f"/{payloads.PHONE_ID}",
        401,
        "Error validating access token: Session has expired",
        code=190,
    )
    page = client.post(url, {"action": "test"}, follow=True).content.decode()
    assert "Error validating access token: Session has expired" in page
    whatsapp.refresh_from_db()
    assert "code 190" in whatsapp.last_check_error


def test_an_admin_keeps_the_list_of_whatsapp_templates(client, admin, shop):
    client.force_login(admin)
    client.post(
        reverse("settings:social_template_add", args=[shop.slug]),
        {"name": "order_update", "language": "sv", "text": "Hej! Vi har svarat.", "active": "on"},
    )
    template = WhatsAppTemplate.objects.get(shop=shop)
    assert template.name == "order_update"
    client.post(reverse("settings:social_template_delete", args=[shop.slug, template.pk]))
    assert not WhatsAppTemplate.objects.exists()


def test_an_agent_who_is_not_admin_cannot_see_the_connections(client, shop, whatsapp):
    client.force_login(AgentFactory(shops=[shop]))
    assert client.get(reverse("settings:social_whatsapp", args=[shop.slug])).status_code == 403


def test_a_webhook_body_that_cannot_be_processed_is_shown_on_the_settings_page(
    client, admin, deliver, shop, whatsapp, now
):  # A6
    deliver(
        whatsapp, b'{"object": "whatsapp_business_account", "entry": [{"changes": "not a list"}]}'
    )
    client.force_login(admin)
    page = client.get(reverse("settings:social", args=[shop.slug])).content.decode()
    assert "Webhooks waiting or failed" in page and "AttributeError" in page
