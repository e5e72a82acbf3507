"""Rule R6/R7: saved replies about an order fill in the order's number, status, parcel
and delivery window — from the order proven to be the customer's, and only that one."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import translation

from kundsvar.cases.models import SavedReply
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.matching import match_case
from kundsvar.commerce.models import Carrier, OrderStatus
from kundsvar.commerce.tests.factories import OrderFactory, ShipmentFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import saved_replies

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BODY = (
    "Hej {customer_first_name}! Order {order_number} är {order_status}. Spåra med "
    "{carrier} här: {tracking_link} (tel. {carrier_phone}). Beräknad leverans "
    "{expected_delivery}."
)


@pytest.fixture(autouse=True)
def _clock():
    """Before the windows below are over (a window that is over is not filled in)."""
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def reply(shop):
    return SavedReply.objects.create(shop=shop, title="Var är paketet", body=BODY)


@pytest.fixture
def order(shop):
    Carrier.objects.update_or_create(
        code="postnord",
        defaults={
            "name": "PostNord",
            "phone": "0771-33 33 10",
            "tracking_url": "https://www.postnord.se/track-and-trace/{number}",
        },
    )
    order = OrderFactory(
        shop=shop, number="10234", email="karin@example.se", status=OrderStatus.SHIPPED
    )
    ShipmentFactory(order=order, expected_from=date(2026, 11, 25), expected_to=date(2026, 11, 26))
    return order


def test_order_variables_from_the_certain_order(shop, reply, order):  # R6, R7, O4
    case = open_email_case(
        shop, T0, sender="Karin Kund <karin@example.se>", text="Var är order 10234?"
    )
    match_case(case, now=T0)
    text = saved_replies.render(reply, case, AgentFactory(shops=[shop]))
    with translation.override("sv"):  # the case's language, whatever the agent's
        status = str(OrderStatus.SHIPPED.label)
    assert text == (
        f"Hej Karin! Order 10234 är {status}. Spåra med PostNord här: "
        "https://www.postnord.se/track-and-trace/RR123456785SE "
        "(tel. 0771-33 33 10). Beräknad leverans 25–26 november."
    )


def test_left_for_the_agent_when_no_order_is_proven(shop, reply, order):  # R6, A5
    case = open_email_case(shop, T0, sender="karin@elsewhere.example", text="Var är order 10234?")
    match_case(case, now=T0)
    text = saved_replies.render(reply, case, AgentFactory(shops=[shop]))
    assert "{order_number}" in text and "{tracking_link}" in text
    assert "RR123456785SE" not in text
    assert saved_replies.unadapted(text, [text]) == ["placeholders", "unchanged"]


def test_the_order_variables_are_known_to_the_editor():  # R6
    assert {
        "order_number",
        "order_status",
        "tracking_link",
        "carrier",
        "carrier_phone",
        "expected_delivery",
    } <= set(saved_replies.VARIABLES)
