"""Rule A4 in the acknowledgement: "many customers are writing to us right now" only when
the queue's forecast, not the policy, set the promised time; past the 24-hour ceiling it
says so plainly."""

from datetime import UTC, datetime, time, timedelta

import pytest

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.channels.outbox import OutboundKind
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.staffing import services as staffing

from .mails import SHOP_ADDRESS, mail, parsed_outbound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm


@pytest.fixture
def shop():
    shop = ShopFactory(name="Nätbutiken", email=SHOP_ADDRESS)
    agent = AgentFactory(shops=[shop])
    for day in range(5):
        staffing.add_shift(shop, agent, day, time(8), time(17))
    return shop


def ack_text(shop, at=T0, sender="ny@example.se"):
    row = pipeline.receive(mail(sender=sender), shop=shop, source="smtp", received_at=at)
    out = OutboundEmail.objects.get(case=row.case_message.case, kind=OutboundKind.ACK)
    return row.case_message.case, parsed_outbound(out).get_body(("plain",)).get_content()


def test_no_queue_no_note(shop):  # A4
    case, text = ack_text(shop)
    assert "många kunder" not in text
    assert "senast måndag 23 november kl. 16.00" in text  # the policy's 6 working hours


def test_a_queue_sets_the_time_and_the_note_says_why(shop):  # A4
    for i in range(30):
        open_email_case(shop, T0 - timedelta(minutes=50 - i), sender=f"k{i}@example.se")
    case, text = ack_text(shop)
    assert "Just nu skriver många kunder till oss" in text
    assert "24 timmar" not in text
    # (31 × 1.1 + 2) / 6 an hour = 6 h 1 min from 10:00: 16:01 → 17:00.
    assert "senast måndag 23 november kl. 17.00" in text


def test_past_the_ceiling_the_acknowledgement_says_so_plainly(shop):  # A4, S1
    for i in range(60):
        open_email_case(shop, T0 - timedelta(minutes=60 - i), sender=f"k{i}@example.se")
    case, text = ack_text(shop)
    assert case.beyond_ceiling
    assert "Det är senare än vårt vanliga löfte om svar inom 24 timmar." in text
