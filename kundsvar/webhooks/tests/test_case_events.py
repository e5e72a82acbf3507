"""The case services fire the four events, inside their transaction, and the API's writes
(which call those services) fire them too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kundsvar.accounts.models import ApiToken
from kundsvar.cases import services as cases
from kundsvar.cases.models import Status
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.webhooks.models import WebhookDelivery, WebhookEndpoint

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(slug="natbutiken")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop])


@pytest.fixture
def endpoint(shop, receiver):
    return WebhookEndpoint.objects.create(shop=shop, url=receiver.url)


def events() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))


def test_a_new_case_fires_case_created(
    shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_email_case(shop, timezone.now())
    [request] = receiver.requests
    assert request.headers["X-Kundsvar-Event"] == "case.created"
    data = request.json["data"]
    assert data["case"]["number"] == case.number
    assert data["message"]["text"] == "Hej! När kommer min jacka?"


def test_the_customer_writing_again_fires_message_received(shop, endpoint, agent):
    case = open_email_case(shop, timezone.now() - timedelta(hours=2))
    cases.reply(case, agent, "Svar", now=timezone.now() - timedelta(hours=1))
    write_again(case, timezone.now(), text="Och byxorna?")
    assert events() == ["case.created", "reply.sent", "message.received"]
    last = WebhookDelivery.objects.latest("id").payload
    assert last["follow_up"] is True and last["message"]["text"] == "Och byxorna?"


def test_a_reply_that_closes_fires_reply_sent_then_case_closed(shop, endpoint, agent):
    case = open_email_case(shop, timezone.now())
    cases.reply(case, agent, "Klart!", then=Status.CLOSED)
    assert events() == ["case.created", "reply.sent", "case.closed"]


def test_closing_by_hand_and_by_merging_fires_case_closed(shop, endpoint, agent):
    one = open_email_case(shop, timezone.now())
    two = open_email_case(shop, timezone.now(), subject="Samma igen")
    cases.change_status(one, Status.CLOSED, actor=agent)
    cases.merge_cases(two, one, actor=agent)
    closed = WebhookDelivery.objects.filter(event="case.closed").order_by("id")
    assert [d.payload["case"]["number"] for d in closed] == [one.number, two.number]
    assert closed[1].payload["merged_into"] == one.number


def test_notes_assignments_and_other_statuses_fire_nothing(shop, endpoint, agent):
    case = open_email_case(shop, timezone.now())
    cases.add_note(case, agent, "Internt.")
    cases.assign(case, agent, actor=agent)
    cases.change_status(case, Status.WAITING, actor=agent)
    assert events() == ["case.created"]


def test_the_api_fires_through_the_services(client, shop, endpoint, agent):
    headers = {"Authorization": f"Bearer {ApiToken.issue(agent, 't')[1]}"}
    created = client.post(
        "/api/v1/cases",
        {"shop": "natbutiken", "text": "Hej", "email": "k@example.se"},
        content_type="application/json",
        headers=headers,
    ).json()
    client.post(
        f"/api/v1/cases/{created['number']}/replies",
        {"body": "Svar", "then": "closed"},
        content_type="application/json",
        headers=headers,
    )
    assert events() == ["case.created", "reply.sent", "case.closed"]
