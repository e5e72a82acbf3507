"""Two agents answering the same question: the composer remembers the last message the
agent saw, and sending is refused when someone replied or the customer wrote since —
saying what changed and keeping the draft — until the agent sends anyway."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import ApiToken
from kundsvar.cases import services
from kundsvar.cases.models import Direction
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", time_zone="Europe/Stockholm")


@pytest.fixture
def anna(shop):
    return AgentFactory(shops=[shop], first_name="Anna", last_name="Berg", language="en")


@pytest.fixture
def bo(shop):
    return AgentFactory(shops=[shop], first_name="Bo", last_name="Ek", language="en")


@pytest.fixture
def case(shop, time_machine):
    # 13:00 UTC is 14:00 in Stockholm.
    time_machine.move_to(datetime(2026, 11, 23, 13, 0, tzinfo=UTC), tick=False)
    return open_email_case(shop, timezone.now() - timedelta(minutes=30))


def opened_composer(client, agent, case):
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number]))
    return page.context["reply_form"].initial


def send(client, case, body, initial, **extra):
    data = {"body": body, "then": "answered", **initial, **extra}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("cases:reply", args=[case.number]), data)


def outbound(case):
    return list(case.messages.filter(direction=Direction.OUTBOUND).order_by("id"))


def test_a_colleagues_reply_since_the_composer_opened_stops_the_second_answer(
    client, case, anna, bo, time_machine
):
    seen = opened_composer(client, anna, case)
    time_machine.shift(timedelta(minutes=5))
    services.reply(case, bo, "Hej! Jackan skickas i dag.")
    draft = "Hej! Jackan kommer på fredag."

    response = send(client, case, draft, seen)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Bo Ek replied at 14:05" in page
    assert draft in page  # the draft is kept
    assert [m.author for m in outbound(case)] == [bo]
    # "Send anyway" from the old page is still a hard stop: only the page that shows
    # Bo's answer (it remembers it) can send.
    assert send(client, case, draft, seen, send_anyway="on").status_code == 409
    again = response.context["reply_form"]["last_message"].value()
    response = send(client, case, draft, {**seen, "last_message": again})
    assert response.status_code == 302
    assert [m.author for m in outbound(case)] == [bo, anna]


def test_a_second_colleague_answering_after_the_first_stop_stops_again(
    client, case, anna, bo, shop, time_machine
):
    cilla = AgentFactory(shops=[shop], first_name="Cilla", last_name="Lund", language="en")
    seen = opened_composer(client, anna, case)
    services.reply(case, bo, "Hej! Jackan skickas i dag.")
    response = send(client, case, "Hej!", seen)
    assert response.status_code == 409
    again = response.context["reply_form"]["last_message"].value()
    time_machine.shift(timedelta(minutes=1))
    services.reply(case, cilla, "Hej! Den är skickad nu.")
    response = send(client, case, "Hej!", {**seen, "last_message": again}, send_anyway="on")
    assert response.status_code == 409
    assert "Cilla Lund replied at 14:01" in response.content.decode()
    assert "Hej!" in response.content.decode()  # the draft is kept
    assert [m.author for m in outbound(case)] == [bo, cilla]


def test_the_open_page_is_told_a_colleague_answered(client, case, anna, bo, time_machine):
    client.force_login(anna)
    loaded = timezone.now().isoformat()
    url = reverse("cases:presence", args=[case.number])
    assert "answered the customer" not in client.get(url, {"loaded_at": loaded}).content.decode()
    time_machine.shift(timedelta(minutes=2))
    services.reply(case, bo, "Hej! Jackan skickas i dag.")
    page = client.get(url, {"loaded_at": loaded}).content.decode()
    assert "Bo Ek answered the customer after you opened the case." in page


def test_a_new_message_from_the_customer_stops_the_send(client, case, anna, time_machine):
    seen = opened_composer(client, anna, case)
    time_machine.shift(timedelta(minutes=7))
    write_again(case, timezone.now(), "Förresten: storlek M!")

    response = send(client, case, "Hej! Jackan skickas i dag.", seen)

    assert response.status_code == 409
    assert "The customer wrote again at 14:07" in response.content.decode()
    assert outbound(case) == []
    # The page now shows the new message and remembers it: the next send goes through.
    again = response.context["reply_form"]["last_message"].value()
    response = send(client, case, "Hej! Storlek M skickas i dag.", {**seen, "last_message": again})
    assert response.status_code == 302
    assert len(outbound(case)) == 1


def test_nothing_new_sends_at_once(client, case, anna):
    seen = opened_composer(client, anna, case)
    assert seen["last_message"] == case.messages.get().pk
    assert send(client, case, "Hej! Jackan skickas i dag.", seen).status_code == 302


def test_the_api_refuses_a_reply_on_a_stale_view(client, case, anna, bo):
    last = case.messages.get().pk
    services.reply(case, bo, "Hej! Jackan skickas i dag.")
    headers = {"authorization": f"Bearer {ApiToken.issue(anna, 'test')[1]}"}
    url = f"/api/v1/cases/{case.number}/replies"
    body = {"body": "Hej igen!", "last_message_id": last}
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 409
    assert "Bo Ek" in response.json()["error"]["message"]  # who, in the API's language
    assert len(outbound(case)) == 1
    response = client.post(
        url, {"body": "Hej igen!"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201
