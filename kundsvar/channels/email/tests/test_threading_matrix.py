"""Rule R5: a customer's reply lands on the right case, however it arrives, and never on
another customer's case."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kundsvar.cases import services
from kundsvar.cases.models import Case, CaseEvent, Direction, EventKind, Message
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind, RawState
from kundsvar.customers.services import add_email
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .mails import SHOP_ADDRESS, mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


def receive(shop, raw, at=T0):
    return pipeline.receive(raw, shop=shop, source="smtp", received_at=at)


@pytest.fixture
def first(shop):
    """Karin's first question, its acknowledgement, and the case."""
    row = receive(shop, mail(message_id="<q1@example.se>"))
    case = row.case_message.case
    ack = OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK)
    return case, ack


def test_reply_via_in_reply_to_our_acknowledgement(shop, first):  # R5
    case, ack = first
    row = receive(
        shop,
        mail(
            subject="Re: något helt annat",
            in_reply_to=ack.message_id,
            body="Jag glömde: storlek M.",
        ),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case


def test_reply_via_references_only(shop, first):  # R5
    case, ack = first
    row = receive(
        shop,
        mail(subject="Fråga", references=f"<q1@example.se> {ack.message_id}"),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case


def test_reply_via_subject_tag_only(shop, first):  # R5
    case, _ = first
    row = receive(shop, mail(subject=f"Angående [#{case.number}]"), T0 + timedelta(minutes=5))
    assert row.case_message.case == case


def test_reply_via_plus_address_only(shop, first):  # R5
    case, _ = first
    shop.plus_addressing = True
    shop.save()
    row = receive(
        shop,
        mail(subject="Hej", to=f"kundtjanst+{case.number}@butik.example"),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case


def test_reply_with_a_changed_subject_still_joins(shop, first):  # R5
    case, ack = first
    row = receive(
        shop,
        mail(subject="Ny fråga om returer", in_reply_to=ack.message_id),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case


def test_reply_from_another_address_of_the_same_customer(shop, first):  # R5, C4
    case, _ = first
    add_email(case.customer, "karin@jobbet.example.se")
    row = receive(
        shop,
        mail(
            sender="Karin <karin@jobbet.example.se>",
            subject=f"Re: Leveranstid jacka [#{case.number}]",
        ),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case


def test_a_stranger_quoting_someone_elses_case_number_gets_a_case_of_their_own(shop, first):
    case, _ = first  # R5: no cross-customer leaks; a case number alone is easy to guess
    row = receive(
        shop,
        mail(
            sender="Mallory <mallory@example.org>",
            subject=f"Re: [#{case.number}]",
            in_reply_to="<q1@example.se>",  # the customer's own Message-ID, not one of ours
        ),
        T0 + timedelta(minutes=5),
    )
    other = row.case_message.case
    assert other != case
    assert other.customer != case.customer
    assert case.messages.count() == 1
    assert CaseEvent.objects.filter(case=other, data__refers_to_other_case=case.number).exists()


def test_a_colleague_replying_to_our_email_joins_the_case_as_a_new_participant(shop, first):
    case, ack = first  # R5: only whoever received our mail knows its Message-ID
    row = receive(
        shop,
        mail(
            sender="Per Lindqvist <per@example.se>",
            subject="Re: Vi har tagit emot din fråga",
            in_reply_to=ack.message_id,
            body="Hej, jag är Karins kollega: leverera till kontoret i stället.",
        ),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case
    assert case.participants.filter(address="per@example.se").exists()
    event = CaseEvent.objects.get(case=case, kind=EventKind.PARTICIPANT)
    assert event.data == {"address": "per@example.se"}
    assert event.created_at == row.case_message.created_at
    # The next mail from the colleague needs no Message-ID of ours: they take part now.
    again = receive(
        shop,
        mail(sender="per@example.se", subject=f"Re: [#{case.number}]"),
        T0 + timedelta(minutes=9),
    )
    assert again.case_message.case == case
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PARTICIPANT).count() == 1


def test_a_colleague_citing_our_email_only_in_references_joins_too(shop, first):  # R5
    case, ack = first
    row = receive(
        shop,
        mail(sender="per@example.se", subject="Fråga", references=f"<x@y.se> {ack.message_id}"),
        T0 + timedelta(minutes=5),
    )
    assert row.case_message.case == case
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PARTICIPANT).exists()


def test_the_new_participant_shows_on_the_case_page(client, shop, first):  # R5
    case, ack = first
    receive(
        shop,
        mail(sender="per@example.se", in_reply_to=ack.message_id),
        T0 + timedelta(minutes=5),
    )
    for language, label in [("sv", "Ny deltagare"), ("en", "New participant")]:
        client.force_login(AgentFactory(shops=[shop], language=language))
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert f"{label}: per@example.se" in page


def test_our_message_ids_cannot_be_guessed(shop, first, time_machine):  # R5
    """Joining by Message-ID is safe only if nobody can predict ours: same clock, same
    seed of the `random` module, and still two different ids."""
    case, _ = first
    agent = AgentFactory(shops=[shop])
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    ids = []
    for _ in range(2):
        random.seed(42)
        services.reply(case, agent, "Hej!", now=T0 + timedelta(hours=1))
        ids.append(OutboundEmail.objects.filter(kind=OutboundKind.REPLY).latest("pk").message_id)
    assert ids[0] != ids[1]
    assert len(ids[0].split("@")[0]) > 30  # 128 random bits and the case number


def test_a_new_topic_from_the_same_customer_opens_a_new_case(shop, first):  # R5
    case, _ = first
    row = receive(
        shop, mail(subject="Presentkort?", body="Säljer ni presentkort?"), T0 + timedelta(minutes=5)
    )
    assert row.case_message.case != case
    assert row.case_message.case.customer == case.customer


def test_a_reply_after_our_answer_is_a_follow_up_at_the_top(shop, first):  # S3
    case, _ = first
    agent = AgentFactory(shops=[shop])
    services.reply(case, agent, "Hej Karin! Jackan skickas i dag.", now=T0 + timedelta(hours=1))
    reply = OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)
    row = receive(
        shop,
        mail(subject="Re: Svar", in_reply_to=reply.message_id, body="Tack! Vilket kollinummer?"),
        T0 + timedelta(hours=2),
    )
    case.refresh_from_db()
    assert row.case_message.case == case and row.case_message.is_follow_up
    assert case.is_follow_up and case.due_at == T0 + timedelta(hours=4)  # 2 working hours


def test_a_reply_to_a_long_closed_case_opens_a_new_one(shop, first):  # R5
    case, ack = first
    services.reply(
        case, AgentFactory(shops=[shop]), "Klart.", then="closed", now=T0 + timedelta(hours=1)
    )
    row = receive(shop, mail(in_reply_to=ack.message_id), T0 + timedelta(days=45))
    assert row.case_message.case != case


def test_the_same_message_delivered_twice_is_one_message(shop):  # A6 dedupe
    raw = mail(message_id="<same@example.se>")
    first_row = receive(shop, raw)
    again = receive(shop, raw)
    via_other_route = receive(shop, b"Received: from relay.example by mx\r\n" + raw)
    assert first_row.pk == again.pk
    assert via_other_route.state == RawState.DUPLICATE
    assert via_other_route.case_message == first_row.case_message
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert Case.objects.count() == 1


def test_the_same_message_id_with_other_text_is_a_new_flagged_message(shop):  # A6 dedupe
    first_row = receive(shop, mail(message_id="<same@example.se>", body="Var är min jacka?"))
    # Re-wrapped by a relay: the same text, so still the same message.
    rewrapped = receive(
        shop, mail(message_id="<same@example.se>", body="Var är  min\njacka?\n"), T0
    )
    assert rewrapped.state == RawState.DUPLICATE
    other = receive(
        shop,
        mail(message_id="<same@example.se>", body="Jag vill också returnera mössan."),
        T0 + timedelta(minutes=3),
    )
    assert other.state == RawState.PROCESSED
    message = other.case_message
    assert message != first_row.case_message
    assert message.body_text.strip() == "Jag vill också returnera mössan."
    assert "message_id_reused" in message.parse_warnings
    assert "message_id_reused" not in first_row.case_message.parse_warnings
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 2


def test_the_agent_sees_the_reused_message_id(client, shop):  # A6
    receive(shop, mail(message_id="<same@example.se>", body="Var är min jacka?"))
    row = receive(shop, mail(message_id="<same@example.se>", body="Och mössan?"), T0)
    case = row.case_message.case
    for language, label in [
        ("sv", "Samma Message-ID som ett tidigare meddelande, men annan text"),
        ("en", "Same Message-ID as an earlier message, different text"),
    ]:
        client.force_login(AgentFactory(shops=[shop], language=language))
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert label in page
        assert "message_id_reused" not in page  # a code, translated when shown
