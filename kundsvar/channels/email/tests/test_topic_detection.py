"""An email has no topic: intent detection gives it one before the acknowledgement, which
then names the topic's response time (issue 14, A4, S1)."""

import pytest

from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.topics.tests.factories import seeded

from .conftest import T0
from .mails import SHOP_ADDRESS, mail, parsed_outbound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_an_email_without_topic_gets_one_and_the_ack_says_its_time():
    shop = ShopFactory(email=SHOP_ADDRESS)
    seeded(shop)
    raw = mail(
        subject="",
        body="Hej! Jag vill avbeställa min order 100234, jag beställde två gånger.\n\nMvh Karin",
    )
    row = pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)
    case = row.case_message.case
    case.refresh_from_db()
    assert case.topic.slug == "change_cancel"
    event = CaseEvent.objects.get(case=case, kind=EventKind.TOPIC)
    assert event.data["source"] == "detected"
    ack = parsed_outbound(OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK))
    text = ack.get_body(("plain",)).get_content()
    # Monday 10.00: one working hour (S1), and the reason said in the customer's words.
    assert "senast måndag 23 november kl. 11.00" in text
    assert "(ändringar och avbeställningar besvaras inom 1 timme)" in text


def test_a_shop_without_topics_gets_no_topic():
    shop = ShopFactory(email=SHOP_ADDRESS)
    row = pipeline.receive(mail(), shop=shop, source="smtp", received_at=T0)
    assert row.case_message.case.topic_id is None
