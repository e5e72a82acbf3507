"""The order page and the delay email tell one story: once the window has passed (or
the customer has been told of a delay), the page says delayed, never "expected" a window
that is already over (rules O1, O2, O3)."""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import time_machine

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce import proactive
from kundsvar.commerce.links import status_path
from kundsvar.commerce.matching import link_confirmed
from kundsvar.commerce.models import LineStatus, OrderStatus, ShipmentStatus
from kundsvar.commerce.panels import ack_section, saved_reply_variables
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
TOLD = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # the sweep sent the delay email
TODAY = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(name="Nordbutiken", slug="nordbutiken", languages=["sv", "en"])


@pytest.fixture
def order(shop):
    order = OrderFactory(
        shop=shop,
        number="10042",
        email="karin@example.se",
        status=OrderStatus.SHIPPED,
        expected_from=date(2026, 11, 27),
        expected_to=date(2026, 12, 1),
    )
    OrderLineFactory(order=order, name="Vinterjacka", status=LineStatus.SHIPPED)
    return order


@pytest.fixture
def parcel(order):
    return ShipmentFactory(
        order=order,
        status=ShipmentStatus.IN_TRANSIT,
        expected_from=date(2026, 11, 27),
        expected_to=date(2026, 12, 1),
    )


def text(client, order, language="en") -> str:
    html = client.get(status_path(order), {"lang": language}).content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_after_the_delay_email_the_page_says_delayed(client, order, parcel):  # O1, O2
    with time_machine.travel(TOLD, tick=False):
        assert proactive.sweep_delayed() == 1
    assert order.messages.get().kind == "delayed"
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order)
    assert "Expected delivery 27 November" not in page
    assert "Expected 27 November" not in page
    assert "Delayed" in page
    assert "was expected 27 November – 1 December but has not been delivered yet" in page


def test_a_passed_window_is_delayed_even_before_the_email(client, order, parcel):  # O2
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order)
    assert "Expected 27 November" not in page
    assert "Expected delivery 27 November" not in page
    assert "Delayed" in page


def test_a_new_date_after_the_delay_is_shown_as_the_new_date(client, order, parcel):  # O1
    with time_machine.travel(TOLD, tick=False):
        proactive.sweep_delayed()
    parcel.expected_from, parcel.expected_to = date(2026, 12, 4), date(2026, 12, 5)
    parcel.save()
    order.expected_from, order.expected_to = date(2026, 12, 4), date(2026, 12, 5)
    order.save()
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order)
    assert "Delayed, now expected 4 – 5 December" in page  # babel's thin spaces, collapsed


def test_in_swedish_too(client, order, parcel):  # O1
    with time_machine.travel(TOLD, tick=False):
        proactive.sweep_delayed()
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order, "sv")
    assert "Väntas 27 november" not in page
    assert "Försenad" in page


def test_on_time_is_still_expected(client, order, parcel):  # O3
    with time_machine.travel(datetime(2026, 11, 28, 12, tzinfo=UTC), tick=False):
        page = text(client, order)
    assert "Expected delivery 27 November – 1 December" in page
    assert "Delayed" not in page


def test_a_late_order_still_in_the_warehouse_is_delayed(client, shop):  # O1
    order = OrderFactory(
        shop=shop,
        status=OrderStatus.WAITING,
        expected_from=date(2026, 11, 27),
        expected_to=date(2026, 12, 1),
    )
    OrderLineFactory(order=order, name="Mössa", status=LineStatus.WAITING)
    with time_machine.travel(TOLD, tick=False):
        assert proactive.sweep_late_orders() == 1
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order)
    assert "Expected delivery 27 November" not in page
    assert "was expected 27 November – 1 December but has not been delivered yet" in page


def test_the_acknowledgement_and_saved_replies_tell_the_same_story(order, parcel):  # O1, A5
    with time_machine.travel(TOLD, tick=False):
        proactive.sweep_delayed()
    with time_machine.travel(TODAY, tick=False):
        case = open_email_case(order.shop, TODAY, sender=order.email, subject="Var är jackan?")
        link_confirmed(case, order, now=TODAY)
        text = ack_section(case, None)["text"]
        variables = saved_reply_variables(case)
    assert "Expected delivery" not in text and "Beräknad leverans" not in text
    assert "Försenad: Det beräknades komma 27 november – 1 december" in text
    assert "expected_delivery" not in variables  # left in braces for the agent to fill in


def test_the_agents_panel_says_delayed_too(client, order, parcel):  # O1, T3
    from django.urls import reverse

    from kundsvar.shops.tests.factories import AgentFactory

    with time_machine.travel(TOLD, tick=False):
        proactive.sweep_delayed()
    with time_machine.travel(TODAY, tick=False):
        case = open_email_case(order.shop, TODAY, sender=order.email, subject="Var är jackan?")
        link_confirmed(case, order, now=TODAY)
        client.force_login(AgentFactory(shops=[order.shop], language="en"))
        client.cookies["django_language"] = "en"
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    panel = re.sub(r"<[^>]+>", "", page[page.index('class="commerce-panel"') :])
    assert "Delayed, was expected: 27 Nov–1 Dec" in panel
    assert "Expected: 27 Nov" not in panel


def test_a_parcel_the_carrier_reports_delivered_is_not_delayed(client, order, parcel):  # O2
    parcel.status = ShipmentStatus.DELIVERED  # without a delivery time from the platform
    parcel.save()
    with time_machine.travel(TODAY, tick=False):
        page = text(client, order)
    assert "Delivered" in page
    assert "has not been delivered yet" not in page.split("Parcels", 1)[1]
