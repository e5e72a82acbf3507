"""The commerce services from order to refund: each change told exactly once (O1, O6)."""

from datetime import UTC, date, datetime

import pytest

from kundsvar.commerce import services
from kundsvar.commerce.models import (
    CommerceSettings,
    DeductionReason,
    LineStatus,
    OrderStatus,
    Platform,
    ShippingMethod,
)
from kundsvar.commerce.records import (
    DeductionData,
    ItemRef,
    LineData,
    OrderData,
    RefundData,
    RefundLineData,
    ReturnData,
    ShipmentData,
)
from kundsvar.customers.models import CustomerPhone
from kundsvar.customers.services import find_or_create_customer
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(slug="butik")


@pytest.fixture
def changes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "kundsvar.commerce.proactive.on_change",
        lambda order, kind, *, obj=None, now=None: calls.append((kind, obj)),
    )
    return calls


def kinds(changes):
    return [kind for kind, _ in changes]


def order_data(**overrides) -> OrderData:
    values = dict(
        external_id="1001",
        number="#100231",
        placed_at=T0,
        email="Karin@Example.se",
        name="Karin Lindqvist",
        phone="070-123 45 67",
        postcode="111 22",
        country="se",
        status=OrderStatus.CONFIRMED,
        total_minor=8000,
        shipping_method="PostNord Ombud",
        updated_at=T0,
        lines=[
            LineData(
                name="Ullsockor",
                external_id="L1",
                sku="SOCK",
                unit_price_minor=8000,
                total_minor=8000,
                tax_minor=1600,
            )
        ],
    )
    values.update(overrides)
    return OrderData(**values)


def save(shop, notify=True, **overrides):
    return services.save_order(
        shop, order_data(**overrides), platform=Platform.SHOPIFY, notify=notify
    )


def test_a_new_paid_order_is_confirmed_once_and_linked_to_its_customer(shop, changes):  # O1
    order = save(shop)
    save(shop)  # the same payload again
    assert kinds(changes) == ["confirmed"]
    assert order.number == "100231" and order.postcode == "11122" and order.country == "SE"
    customer = find_or_create_customer(shop, "karin@example.se")
    assert order.customer == customer
    assert CustomerPhone.objects.get(customer=customer).normalized == "46701234567"


def test_an_unpaid_order_is_confirmed_when_paid(shop, changes):  # O1
    save(shop, status=OrderStatus.PLACED)
    assert changes == []
    order = save(
        shop, status=OrderStatus.CONFIRMED, updated_at=datetime(2026, 11, 20, 11, tzinfo=UTC)
    )
    assert order.status == OrderStatus.CONFIRMED and kinds(changes) == ["confirmed"]


def test_an_older_payload_never_overwrites_a_newer_one(shop, changes):
    save(shop, updated_at=datetime(2026, 11, 21, tzinfo=UTC), name="Karin Ny")
    order = save(shop, updated_at=T0, name="Karin Gammal", status=OrderStatus.CANCELLED)
    order.refresh_from_db()
    assert order.name == "Karin Ny" and order.status == OrderStatus.CONFIRMED


def test_a_line_becoming_waiting_is_told_once(shop, changes):  # O1, O3
    save(shop)
    waiting = [
        LineData(
            name="Ullsockor",
            external_id="L1",
            sku="SOCK",
            total_minor=8000,
            status=LineStatus.WAITING,
            expected_at=date(2026, 12, 3),
        )
    ]
    later = datetime(2026, 11, 21, tzinfo=UTC)
    order = save(shop, lines=waiting, updated_at=later)
    save(shop, lines=waiting, updated_at=later)
    assert kinds(changes) == ["confirmed", "waiting"]
    assert order.status == OrderStatus.WAITING
    assert order.lines.get().expected_at == date(2026, 12, 3)
    waiting[0].expected_at = date(2026, 12, 10)  # the supplier is late: news again
    save(shop, lines=waiting, updated_at=datetime(2026, 11, 21, 12, tzinfo=UTC))
    assert kinds(changes) == ["confirmed", "waiting", "waiting"]
    back = [LineData(name="Ullsockor", external_id="L1", status=LineStatus.IN_STOCK)]
    order = save(shop, lines=back, updated_at=datetime(2026, 11, 22, tzinfo=UTC))
    assert order.status == OrderStatus.CONFIRMED and order.lines.count() == 1


def test_lines_are_upserted_by_external_id_then_sku(shop, changes):
    save(shop)
    order = save(
        shop,
        lines=[
            LineData(name="Ullsockor grå", sku="SOCK", quantity=2),
            LineData(name="Mössa", external_id="L2"),
        ],
    )
    assert sorted(order.lines.values_list("name", "quantity")) == [
        ("Mössa", 1),
        ("Ullsockor grå", 2),
    ]


def test_the_shipping_method_is_matched_and_the_window_filled(shop, changes, monkeypatch):
    method = ShippingMethod.objects.create(shop=shop, code="postnord_ombud", name="PostNord Ombud")
    monkeypatch.setattr(
        "kundsvar.commerce.delivery.order_window",
        lambda order, now=None: (date(2026, 11, 24), date(2026, 11, 25)),
    )
    order = save(shop)
    assert order.shipping == method
    assert (order.expected_from, order.expected_to) == (date(2026, 11, 24), date(2026, 11, 25))
    order = save(shop, shipping_code="POSTNORD_OMBUD", shipping_method="Något annat")
    assert order.shipping == method


def test_a_parcel_is_announced_once_and_delivered_once(shop, changes):  # O1, O4
    order = save(shop)
    data = ShipmentData(
        external_id="F1",
        tracking_number="rr 123 456 785 se",
        shipped_at=T0,
        lines=[ItemRef(line_external_id="L1")],
    )
    parcel = services.save_shipment(order, data)
    services.save_shipment(order, data)  # the fulfillment webhook again
    assert parcel.tracking_number == "RR123456785SE" and parcel.carrier == "postnord"
    assert parcel.lines.get().line.status == LineStatus.SHIPPED
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    at = datetime(2026, 11, 22, 14, tzinfo=UTC)
    assert services.mark_delivered(parcel, at) is True
    assert services.mark_delivered(parcel, at) is False
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.lines.get().status == LineStatus.DELIVERED
    assert kinds(changes) == ["confirmed", "shipped", "delivered"]
    assert changes[1][1] == parcel


def test_part_of_an_order_shipped_is_partly_shipped(shop, changes):
    order = save(
        shop,
        lines=[
            LineData(name="A", external_id="L1", quantity=2),
            LineData(name="B", external_id="L2"),
        ],
    )
    services.save_shipment(
        order,
        ShipmentData(
            tracking_number="RR123456785SE", lines=[ItemRef(line_external_id="L1", quantity=2)]
        ),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_SHIPPED


def test_return_received_then_refund_with_itemised_deduction(shop, changes):  # O6
    CommerceSettings.objects.create(
        shop=shop, return_policy="Vid ångerköp betalar du returfrakten, 59 kr."
    )
    order = save(shop)
    ret = services.save_return(
        order,
        ReturnData(
            created_at=T0,
            external_id="R1",
            reason="För små",
            lines=[ItemRef(line_external_id="L1")],
        ),
    )
    assert ret.received_at is None
    at = datetime(2026, 11, 25, tzinfo=UTC)
    assert services.mark_return_received(ret, at) is True
    assert services.mark_return_received(ret, at) is False
    refund_data = RefundData(
        created_at=at,
        external_id="RF1",
        paid_at=at,
        lines=[RefundLineData(description="Ullsockor", amount_minor=8000, line_external_id="L1")],
        deductions=[
            DeductionData(
                reason=DeductionReason.RETURN_SHIPPING, amount_minor=5900, label="Returfrakt"
            )
        ],
    )
    refund = services.save_refund(order, refund_data)
    services.save_refund(order, refund_data)  # redelivered
    refund.refresh_from_db()
    assert (refund.paid_minor, refund.deducted_minor, refund.refunded_minor) == (8000, 5900, 2100)
    deduction = refund.deductions.get()
    assert deduction.policy_text == "Vid ångerköp betalar du returfrakten, 59 kr."
    assert refund.lines.get().line.external_id == "L1"
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    assert kinds(changes) == ["confirmed", "return_received", "refund_paid"]


def test_a_deduction_bigger_than_the_refund_is_capped_visibly(shop, changes):  # O6
    order = save(shop)
    refund = services.save_refund(
        order,
        RefundData(
            created_at=T0,
            paid_minor=4000,
            deductions=[
                DeductionData(DeductionReason.RETURN_SHIPPING, 5900, policy_text="Returfrakt 59 kr")
            ],
        ),
    )
    assert (refund.paid_minor, refund.deducted_minor, refund.refunded_minor) == (4000, 4000, 0)
    assert refund.breakdown.capped and refund.breakdown.deductions[0].requested_minor == 5900
    assert "refund_paid" not in kinds(changes)  # not paid yet


def test_a_refund_is_told_when_it_becomes_paid(shop, changes):  # O6
    order = save(shop)
    data = RefundData(created_at=T0, external_id="RF2", paid_minor=8000)
    services.save_refund(order, data)
    assert "refund_paid" not in kinds(changes)
    data.paid_at = T0
    services.save_refund(order, data)
    services.save_refund(order, data)
    assert kinds(changes).count("refund_paid") == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED  # all 80 kr back


def test_notify_false_writes_without_telling_anyone(shop, changes):
    order = save(shop, notify=False)
    parcel = services.save_shipment(
        order, ShipmentData(tracking_number="RR123456785SE"), notify=False
    )
    services.mark_delivered(parcel, T0, notify=False)
    assert changes == []


def test_text_is_cut_to_fit_and_nul_removed(shop, changes):
    order = save(shop, name="K\x00" + "a" * 500, number="9" * 100)
    order.refresh_from_db()
    assert order.name == "K" + "a" * 199 and len(order.number) == 64
