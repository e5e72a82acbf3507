"""An email processed late (a retry, a late IMAP poll) is matched as of when it was
written: an order placed after that is never a candidate, however well the number,
address or name fit (rule C4). The form and follow-ups: commerce/tests."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kundsvar.channels.email import pipeline
from kundsvar.channels.email.tests.mails import SHOP_ADDRESS, mail
from kundsvar.commerce.models import CaseOrder
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
WRITTEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEFORE = WRITTEN - timedelta(days=6)
AFTER = WRITTEN + timedelta(hours=2)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", slug="natbutiken", email=SHOP_ADDRESS)


def linked(case) -> set[str]:
    return set(CaseOrder.objects.filter(case=case).values_list("order__number", flat=True))


def test_email_processed_late_never_gets_a_newer_order(shop):  # C4
    OrderFactory(shop=shop, number="100100", email="karin@example.se", placed_at=BEFORE)
    OrderFactory(shop=shop, number="100231", email="karin@example.se", placed_at=AFTER)
    # The mail arrived at WRITTEN and is processed later (a retry, a late IMAP poll).
    with time_machine.travel(AFTER + timedelta(hours=1), tick=False):
        row = pipeline.receive(
            mail(body="Hej! När kommer min jacka?"), shop=shop, source="smtp", received_at=WRITTEN
        )
    assert linked(row.case_message.case) == {"100100"}


def test_a_newer_order_named_in_the_text_is_still_not_a_candidate(shop):  # C4
    OrderFactory(shop=shop, number="100231", email="karin@example.se", placed_at=AFTER)
    with time_machine.travel(AFTER + timedelta(hours=1), tick=False):
        row = pipeline.receive(
            mail(),
            shop=shop,
            source="smtp",  # "… Order 100231."
            received_at=WRITTEN,
        )
    assert linked(row.case_message.case) == set()
