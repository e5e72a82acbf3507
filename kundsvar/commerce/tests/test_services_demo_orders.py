"""The demo orders: every state, made through the services, and nothing sent (O1, O6)."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from kundsvar.commerce.demo import add_demo_orders
from kundsvar.commerce.models import DeductionReason, OrderMessage, OrderStatus, Refund
from kundsvar.customers.services import find_or_create_customer
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_demo_orders_cover_every_state_and_send_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "kundsvar.commerce.proactive.on_change", lambda *args, **kwargs: calls.append(args)
    )
    shop = ShopFactory()
    customers = [
        find_or_create_customer(shop, f"kund{i}@example.se", f"Kund {i}", "sv") for i in range(12)
    ]
    orders = add_demo_orders(shop, customers, NOW)
    assert len(orders) == 8
    statuses = {order.number: order.status for order in orders}
    assert statuses["100231"] == OrderStatus.WAITING
    assert statuses["100212"] == OrderStatus.SHIPPED
    assert statuses["100244"] == OrderStatus.DELIVERED
    assert statuses["100250"] == OrderStatus.CONFIRMED
    assert statuses["100236"] == OrderStatus.RETURNED
    jacket = next(o for o in orders if o.number == "100231")
    assert jacket.lines.get().expected_at is not None
    rug = next(o for o in orders if o.number == "100212")
    assert rug.shipments.get().tracking_number == "RR123456785SE"
    refund = Refund.objects.get()
    assert (refund.paid_minor, refund.deducted_minor, refund.refunded_minor) == (8000, 5900, 2100)
    assert refund.deductions.get().reason == DeductionReason.RETURN_SHIPPING
    assert calls == [] and mail.outbox == [] and not OrderMessage.objects.exists()
    add_demo_orders(shop, customers, NOW)  # running it twice adds nothing
    assert Refund.objects.count() == 1 and shop.orders.count() == 8
