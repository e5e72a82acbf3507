"""An order placed after the customer wrote cannot be what the message is about: it is
never a candidate, however well the number, address or name fit (rule C4). (An email
processed late: channels/email/tests/test_matching_order_after_message.py.)"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.channels.form.tests.conftest import session_token
from kundsvar.commerce import matching
from kundsvar.commerce.models import CaseOrder
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
WRITTEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEFORE = WRITTEN - timedelta(days=6)
AFTER = WRITTEN + timedelta(hours=2)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", slug="natbutiken", email="kundtjanst@butik.example")


def linked(case) -> set[str]:
    return set(CaseOrder.objects.filter(case=case).values_list("order__number", flat=True))


def test_the_form_never_gets_an_order_placed_after_it_was_sent(client, shop):  # C4
    OrderFactory(shop=shop, number="100100", email="karin@example.se", placed_at=BEFORE)
    OrderFactory(shop=shop, number="100231", email="karin@example.se", placed_at=AFTER)
    with time_machine.travel(WRITTEN, tick=False) as clock:
        page = client.get(f"/s/{shop.slug}/?lang=sv")
        clock.shift(timedelta(seconds=30))
        response = client.post(
            f"/s/{shop.slug}/?lang=sv",
            {
                "session": session_token(page),
                "name": "Karin Lindqvist",
                "email": "karin@example.se",
                "order_number": "",
                "topic": "",
                "homepage": "",
                "message": "Hej! När kommer min jacka? Jag beställde den i onsdags.",
            },
        )
    assert response.status_code == 302
    assert linked(Case.objects.get()) == {"100100"}


def test_a_follow_up_written_after_the_order_may_name_it(shop):  # C4
    OrderFactory(shop=shop, number="100231", email="karin@example.se", placed_at=AFTER)
    case = open_email_case(
        shop, WRITTEN, sender="karin@example.se", text="Hej! Kan jag beställa jackan i blått?"
    )
    assert matching.score_orders(case) == []
    write_again(case, AFTER + timedelta(hours=1), text="Nu har jag beställt: order 100231.")
    assert [s.order.number for s in matching.score_orders(case)] == ["100231"]
