"""Rule R5: a customer's reply lands on the right case, however it arrives, and never on
another customer's case."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import Case, CaseEvent, Direction, Message
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
    case, ack = first  # R5: no cross-customer leaks
    row = receive(
        shop,
        mail(
            sender="Mallory <mallory@example.org>",
            subject=f"Re: [#{case.number}]",
            in_reply_to=ack.message_id,
        ),
        T0 + timedelta(minutes=5),
    )
    other = row.case_message.case
    assert other != case
    assert other.customer != case.customer
    assert case.messages.count() == 1
    assert CaseEvent.objects.filter(case=other, data__refers_to_other_case=case.number).exists()


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
