"""What each event says, the endpoint's validation, and the admin pages."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kundsvar.cases import services as cases
from kundsvar.cases.models import Status
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.webhooks import payloads, services
from kundsvar.webhooks.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory(slug="natbutiken")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Alice", last_name="Ahl")


@pytest.fixture
def case(shop):
    return open_email_case(
        shop, MONDAY_9, sender="Karin@Example.se", text="Hej! När kommer min jacka?"
    )


def test_case_created_says_which_case_and_what_was_asked(case):
    message = case.messages.get()
    data = payloads.case_created(case, message)
    assert data["case"]["number"] == case.number
    assert data["case"]["shop"] == "natbutiken"
    assert data["case"]["status"] == "new" and data["case"]["channel"] == "email"
    assert data["case"]["customer"] == {
        "id": case.customer_id,
        "name": "",
        "email": "karin@example.se",
    }
    assert data["case"]["promise"].startswith("senast ")  # rule A4, in the case language
    assert data["case"]["url"].endswith(f"/cases/{case.number}/")
    assert data["message"]["text"] == "Hej! När kommer min jacka?"
    assert data["message"]["direction"] == "in"
    json.dumps(data)  # plain JSON, storable as it is


def test_message_received_says_whether_it_is_a_follow_up(case, agent):
    cases.reply(case, agent, "Den kommer i morgon.", now=MONDAY_9.replace(hour=10))
    message = write_again(case, MONDAY_9.replace(hour=11), text="Tack! Och byxorna?")
    case.refresh_from_db()
    data = payloads.message_received(case, message)
    assert data["follow_up"] is True and data["automatic"] is False
    assert data["message"]["text"] == "Tack! Och byxorna?"
    assert data["case"]["status"] == "open"


def test_reply_sent_has_the_answer_and_its_author(case, agent):
    message = cases.reply(
        case, agent, "Den kommer i morgon.", then=Status.WAITING, now=MONDAY_9.replace(hour=10)
    )
    case.refresh_from_db()
    data = payloads.reply_sent(case, message)
    assert data["message"]["direction"] == "out"
    assert data["message"]["author"] == {"id": agent.pk, "name": "Alice Ahl"}
    assert data["message"]["text"] == "Den kommer i morgon."
    assert data["case"]["status"] == "waiting" and data["case"]["promise"] is None


def test_case_closed_says_when_and_by_whom(case, agent, shop):
    cases.change_status(case, Status.CLOSED, actor=agent, now=MONDAY_9.replace(hour=12))
    case.refresh_from_db()
    data = payloads.case_closed(case, actor=agent)
    assert datetime.fromisoformat(data["closed_at"]) == MONDAY_9.replace(hour=12)
    assert data["closed_by"]["id"] == agent.pk and data["merged_into"] is None
    target = open_email_case(shop, MONDAY_9, subject="Samma")
    assert payloads.case_closed(case, merged_into=target)["merged_into"] == target.number


def test_an_endpoint_takes_only_known_events_and_web_urls(shop):
    with pytest.raises(ValidationError) as error:
        WebhookEndpoint(
            shop=shop, url="ftp://files.example/x", events=["case.deleted"]
        ).full_clean()
    assert set(error.value.message_dict) == {"url", "events"}
    WebhookEndpoint(shop=shop, url="https://shop.example/hooks", events=["reply.sent"]).full_clean()


def test_every_endpoint_gets_its_own_secret(shop):
    one = WebhookEndpoint.objects.create(shop=shop, url="https://a.example")
    two = WebhookEndpoint.objects.create(shop=shop, url="https://b.example")
    assert len(one.secret) == 64 and one.secret != two.secret


def test_the_admin_adds_an_endpoint_with_chosen_events(admin_client, shop):
    page = admin_client.get(reverse("admin:webhooks_webhookendpoint_add"))
    assert page.status_code == 200 and b"reply.sent" in page.content
    response = admin_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "shop": shop.pk,
            "url": "https://shop.example/hooks",
            "events": ["case.created", "case.closed"],
            "active": "on",
            "secret": "s3cret",
        },
    )
    assert response.status_code == 302, response.content
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["case.created", "case.closed"] and endpoint.secret == "s3cret"


def test_the_admin_shows_deliveries_and_sends_failed_ones_again(
    admin_client, shop, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(shop=shop, url="http://127.0.0.1:9/down")
    [delivery] = services.fire(shop, Event.CASE_CREATED, {"case": {"number": 1}})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, attempts=16, last_error="HTTP 500"
    )
    changelist = reverse("admin:webhooks_webhookdelivery_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert (
        admin_client.get(
            reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])
        ).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:webhooks_webhookendpoint_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(changelist, {"action": "send_again", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("queued", 0)
    assert len(callbacks) == 1 and endpoint.deliveries.count() == 1
