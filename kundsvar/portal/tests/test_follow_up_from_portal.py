"""A follow-up written in the portal is a follow-up like any other: top priority (S3)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from kundsvar.cases import queries
from kundsvar.cases.models import Direction, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.core.privacy import MASK
from kundsvar.portal.links import portal_url

from .conftest import T0

pytestmark = pytest.mark.django_db


def test_follow_up_jumps_the_queue(client, shop, agent, answered):  # S3
    case, _answer = answered
    # Another customer asked earlier and is still waiting for a first answer.
    waiting = open_email_case(shop, T0 - timedelta(minutes=30), sender="erik@example.se")
    assert list(queries.queue(agent))[0] == waiting
    path = urlsplit(portal_url(case)).path

    response = client.post(path, {"action": "follow_up", "text": "Vilken dag kommer den?"})

    assert response.status_code == 302
    assert response["Location"] == f"{path}?sent=follow_up"
    case.refresh_from_db()
    assert case.is_follow_up and case.status == Status.OPEN
    assert case.due_at is not None and case.due_at < waiting.due_at
    assert list(queries.queue(agent))[0] == case  # S3: top of the queue
    message = case.messages.filter(direction=Direction.INBOUND).last()
    assert message.is_follow_up
    assert message.body_text == "Vilken dag kommer den?"
    assert message.from_address == "karin@example.se"  # as the customer, not anonymous
    page = client.get(response["Location"]).content.decode()
    assert "Vilken dag kommer den?" in page
    assert 'role="status"' in page


def test_personal_numbers_are_masked(client, answered):  # C3
    case, _answer = answered
    client.post(
        urlsplit(portal_url(case)).path,
        {"action": "follow_up", "text": "Mitt personnummer är 811218-9876."},
    )
    message = case.messages.filter(direction=Direction.INBOUND).last()
    assert "811218-9876" not in message.body_text
    assert MASK in message.body_text and MASK in message.new_text


def test_an_empty_follow_up_is_refused_on_the_page(client, answered):
    case, _answer = answered
    before = case.messages.count()
    response = client.post(urlsplit(portal_url(case)).path, {"action": "follow_up", "text": "   "})
    assert response.status_code == 200
    assert case.messages.count() == before


def test_writing_on_a_case_closed_long_ago_starts_a_new_case(client, agent, answered, time_machine):
    from kundsvar.cases import services

    case, _answer = answered
    services.change_status(case, Status.CLOSED, actor=agent)
    time_machine.shift(timedelta(days=45))
    response = client.post(
        urlsplit(portal_url(case)).path,
        {"action": "follow_up", "text": "Nu gick dragkedjan sönder."},
    )
    new = case.customer.cases.exclude(pk=case.pk).get()
    assert new.status == Status.NEW and new.messages.get().body_text.startswith("Nu gick")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    page = client.get(response["Location"]).content.decode()
    assert f"{new.number}" in page and "Nu gick dragkedjan sönder." in page


def test_a_follow_up_before_any_answer_also_jumps_the_queue(client, shop, agent, frozen):  # S3
    """The portal says the message "goes to the front of our queue": it must, even when the
    first question has not been answered yet (the case stayed 14th of 15 before)."""
    case = open_email_case(shop, T0, sender="Karin <karin@example.se>", text="Var är jackan?")
    others = [
        open_email_case(shop, T0 - timedelta(minutes=m), sender=f"k{m}@example.se")
        for m in (10, 20, 30)
    ]
    promised = case.due_at
    assert list(queries.queue(agent))[-1] == case

    client.post(urlsplit(portal_url(case)).path, {"action": "follow_up", "text": "Hallå?"})

    case.refresh_from_db()
    assert case.is_follow_up and case.due_at < promised  # never later than promised
    assert list(queries.queue(agent)) == [case, *reversed(others)]
    message = case.messages.filter(direction=Direction.INBOUND).last()
    assert message.is_follow_up
