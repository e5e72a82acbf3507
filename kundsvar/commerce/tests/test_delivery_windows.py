"""Delivery windows in working days of the shop's calendar (rule O3)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.commerce import delivery
from kundsvar.commerce.models import LineStatus, OrderStatus, ShippingMethod
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")  # open Mon–Fri 08–17


@pytest.fixture
def mypack(shop):
    return ShippingMethod.objects.create(
        shop=shop,
        code="mypack",
        name="PostNord MyPack Home",
        carrier="postnord",
        transit_min_days=1,
        transit_max_days=3,
    )


def order_at(shop, method, placed, **kwargs):
    order = OrderFactory(shop=shop, shipping=method, placed_at=placed, **kwargs)
    OrderLineFactory(order=order)
    return order


def test_an_order_before_closing_leaves_the_same_day_and_skips_the_weekend(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 11, 27, 10, 0))  # Friday morning
    assert delivery.order_window(order, now=order.placed_at) == (
        date(2026, 11, 30),
        date(2026, 12, 2),
    )  # Monday – Wednesday, not Saturday


def test_an_order_after_closing_leaves_on_the_next_working_day(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 11, 27, 18, 30))  # Friday evening
    first, last = delivery.order_window(order, now=order.placed_at)
    assert (first, last) == (date(2026, 12, 1), date(2026, 12, 3))  # Tuesday – Thursday
    assert delivery.format_window(first, last, "sv") == "tisdag 1 december – torsdag 3 december"


def test_no_delivery_on_christmas_days(shop, mypack):  # O3
    mypack.transit_max_days = 2
    mypack.save()
    order = order_at(shop, mypack, local(2026, 12, 23, 10, 0))  # Wednesday before julafton
    # Julafton (Thu), juldagen (Fri), annandag jul and the weekend carry no parcels.
    assert delivery.order_window(order, now=order.placed_at) == (
        date(2026, 12, 28),
        date(2026, 12, 29),
    )


def test_an_order_on_julafton_leaves_after_christmas(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 12, 24, 9, 0))
    first, _last = delivery.order_window(order, now=order.placed_at)
    assert first == date(2026, 12, 29)  # dispatched Monday 28th, first delivery Tuesday


def test_the_method_is_found_by_the_code_the_platform_sent(shop, mypack):
    order = OrderFactory(shop=shop, shipping_method="mypack", placed_at=local(2026, 11, 27, 10))
    OrderLineFactory(order=order)
    assert delivery.order_window(order, now=order.placed_at)[0] == date(2026, 11, 30)


def test_without_a_shipping_method_there_is_no_made_up_window(shop):  # O3
    order = OrderFactory(shop=shop, shipping_method="Okänt", placed_at=local(2026, 11, 27, 10))
    OrderLineFactory(order=order)
    assert delivery.order_window(order) == (None, None)


def test_waiting_for_goods_counts_from_the_expected_stock_date(shop, mypack):  # O1, O3
    order = order_at(shop, mypack, local(2026, 11, 23, 10, 0), status=OrderStatus.WAITING)
    OrderLineFactory(order=order, status=LineStatus.WAITING, expected_at=date(2026, 12, 3))
    # In stock Thursday 3rd, packed Friday 4th, delivered Monday 7th – Wednesday 9th.
    assert delivery.order_window(order, now=order.placed_at) == (
        date(2026, 12, 7),
        date(2026, 12, 9),
    )


def test_waiting_for_goods_with_a_supplier_lead_time(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 11, 23, 10, 0), status=OrderStatus.WAITING)
    OrderLineFactory(order=order, status=LineStatus.WAITING, supplier_lead_days=5)
    # 5 working days after Monday 23rd is Monday 30th; packed Tuesday 1 December.
    assert delivery.order_window(order, now=order.placed_at) == (
        date(2026, 12, 2),
        date(2026, 12, 4),
    )


def test_waiting_for_goods_without_any_date_gives_no_window(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 11, 23, 10, 0), status=OrderStatus.WAITING)
    OrderLineFactory(order=order, status=LineStatus.WAITING)
    assert delivery.order_window(order, now=order.placed_at) == (None, None)


def test_a_recomputed_window_never_starts_in_the_past(shop, mypack):  # O3
    order = order_at(shop, mypack, local(2026, 11, 2, 10, 0))
    assert delivery.order_window(order, now=local(2026, 11, 27, 10, 0))[0] == date(2026, 11, 30)


def test_a_parcel_window_counts_from_the_day_it_was_shipped(shop, mypack):  # O3
    order = OrderFactory(shop=shop, shipping=mypack, status=OrderStatus.SHIPPED)
    shipment = ShipmentFactory(order=order, shipped_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert delivery.shipment_window(shipment) == (date(2026, 11, 30), date(2026, 12, 2))
    assert delivery.order_window(order, now=local(2026, 11, 27, 17)) == (
        date(2026, 11, 30),
        date(2026, 12, 2),
    )


def test_a_parcel_without_a_shipping_date_has_no_window(shop, mypack):
    order = OrderFactory(shop=shop, shipping=mypack)
    assert delivery.shipment_window(ShipmentFactory(order=order, shipped_at=None)) == (None, None)


def test_a_shop_without_opening_hours_dispatches_on_weekdays(mypack):  # O3
    shop = ShopFactory(office_hours=False)
    mypack.shop = shop
    mypack.save()
    order = order_at(shop, mypack, local(2026, 11, 28, 10, 0))  # Saturday
    assert delivery.order_window(order, now=order.placed_at)[0] == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("first", "last", "language", "weekday", "expected"),
    [
        (
            date(2026, 12, 1),
            date(2026, 12, 3),
            "sv",
            True,
            "tisdag 1 december – torsdag 3 december",
        ),
        (date(2026, 12, 1), date(2026, 12, 3), "sv", False, "1–3 december"),
        (date(2026, 11, 30), date(2026, 12, 2), "sv", False, "30 november – 2 december"),
        (
            date(2026, 12, 1),
            date(2026, 12, 3),
            "en",
            True,
            "Tuesday 1 December – Thursday 3 December",
        ),
        (date(2026, 12, 1), date(2026, 12, 3), "nb", False, "1.–3. desember"),
        (date(2026, 12, 1), date(2026, 12, 1), "da", True, "tirsdag den 1. december"),
    ],
)
def test_windows_in_words(first, last, language, weekday, expected):  # O3
    assert delivery.format_window(first, last, language, weekday=weekday) == expected
