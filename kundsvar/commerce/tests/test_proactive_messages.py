"""Proactive order messages: written once per key, through the outbox, switchable per
shop (rules O1, O4, O6, O8, A3)."""

import email
import email.policy
from datetime import UTC, date, datetime

import pytest
from django.core import mail

from kundsvar.channels.outbox import OutboundKind
from kundsvar.commerce import proactive, services
from kundsvar.commerce.models import (
    CommerceSettings,
    LineStatus,
    MessageKind,
    OrderMessage,
    Refund,
    Return,
)
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.customers.models import Customer, CustomerEmail
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
# The outbox's delivery rows that order messages go out as (OrderMessage.outbound).
Queued = OrderMessage.outbound.field.related_model
SHOP = "kundtjanst@nordljus.example"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def order():
    shop = ShopFactory(name="Nordljus", email=SHOP)
    order = OrderFactory(shop=shop, number="10234", email="karin@example.se", placed_at=T0)
    OrderLineFactory(order=order)
    return order


def obj_for(order, kind):
    if kind in (MessageKind.SHIPPED, MessageKind.DELAYED, MessageKind.DELIVERED):
        return ShipmentFactory(order=order)
    if kind == MessageKind.RETURN_RECEIVED:
        return Return.objects.create(order=order, created_at=T0, received_at=T0)
    if kind == MessageKind.REFUND_PAID:
        return Refund.objects.create(
            order=order, paid_minor=100, refunded_minor=100, created_at=T0, paid_at=T0
        )
    return None


def test_a_change_writes_the_message_and_queues_the_email(order):  # O1, A3
    message = proactive.on_change(order, MessageKind.CONFIRMED, now=T0)
    assert message.key == "confirmed" and message.language == "sv"
    assert message.to_address == "karin@example.se"
    row = message.outbound
    assert (row.kind, row.case, row.to_address, row.from_address) == (
        OutboundKind.ORDER,
        None,
        "karin@example.se",
        SHOP,
    )
    assert row.subject == message.subject
    assert message.subject.startswith("Nordljus: ") and "10234" in message.subject


def test_the_email_goes_out_after_commit(order, django_capture_on_commit_callbacks):  # O1
    with django_capture_on_commit_callbacks(execute=True):
        proactive.on_change(order, MessageKind.CONFIRMED, now=T0)
    assert len(mail.outbox) == 1
    sent = email.message_from_bytes(
        mail.outbox[0].message().as_bytes(), policy=email.policy.default
    )
    assert sent["From"].addresses[0].addr_spec == SHOP
    assert sent["Auto-Submitted"] is None


@pytest.mark.parametrize("kind", list(MessageKind))
def test_each_message_goes_out_once_per_key(order, kind):  # O1
    obj = obj_for(order, kind)
    assert proactive.on_change(order, kind, obj=obj, now=T0) is not None
    assert proactive.on_change(order, kind, obj=obj, now=T0) is None  # a redelivered webhook
    assert OrderMessage.objects.filter(order=order, kind=kind).count() == 1
    assert Queued.objects.count() == 1


def test_a_second_parcel_is_news(order):  # O4
    for _ in range(2):
        proactive.on_change(order, MessageKind.SHIPPED, obj=ShipmentFactory(order=order))
    assert OrderMessage.objects.filter(order=order, kind=MessageKind.SHIPPED).count() == 2


def test_a_new_expected_date_while_waiting_is_news(order):  # O1
    line = OrderLineFactory(order=order, status=LineStatus.WAITING, expected_at=date(2026, 12, 3))
    assert proactive.on_change(order, MessageKind.WAITING) is not None
    assert proactive.on_change(order, MessageKind.WAITING) is None
    line.expected_at = date(2026, 12, 10)
    line.save()
    assert proactive.on_change(order, MessageKind.WAITING).key == "waiting:2026-12-10"


def test_a_lost_race_for_the_key_sends_nothing(order):  # O1
    proactive.on_change(order, MessageKind.CONFIRMED, now=T0)
    # Another worker inserted the row between our check and our insert.
    assert (
        proactive._send(order, MessageKind.CONFIRMED, "confirmed", None, "karin@example.se", T0)
        is None
    )
    assert Queued.objects.count() == 1


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_switched_off_message_is_not_sent(order, kind):  # O1
    settings = CommerceSettings.for_shop(order.shop)
    setattr(settings, proactive._SWITCHES[kind], False)
    settings.save()
    assert proactive.on_change(order, kind, obj=obj_for(order, kind), now=T0) is None
    assert not OrderMessage.objects.exists() and not Queued.objects.exists()


def test_without_an_email_address_nothing_is_sent_and_nothing_breaks(order):  # O1
    order.email = ""
    order.save()
    assert proactive.on_change(order, MessageKind.SHIPPED, obj=ShipmentFactory(order=order)) is None
    assert not Queued.objects.exists()


def test_the_customers_address_is_used_when_the_order_has_none(order):  # O1
    customer = Customer.objects.create(shop=order.shop, name="Karin", language="en")
    CustomerEmail.objects.create(customer=customer, shop=order.shop, address="k@example.se")
    order.email, order.language, order.customer = "", "", customer
    order.save()
    message = proactive.on_change(order, MessageKind.CONFIRMED)
    assert (message.to_address, message.language) == ("k@example.se", "en")
    assert message.subject == "Nordljus: Your order 10234 is confirmed"


def test_an_unknown_kind_is_ignored(order):
    assert proactive.on_change(order, "teleported") is None


def test_a_delivered_parcel_tells_the_customer_through_the_commerce_service(order):  # O1
    shipment = ShipmentFactory(order=order)
    assert services.mark_delivered(shipment, T0)
    assert OrderMessage.objects.get(order=order).key == f"delivered:{shipment.pk}"
    assert not services.mark_delivered(shipment, T0)
    assert OrderMessage.objects.filter(order=order).count() == 1
