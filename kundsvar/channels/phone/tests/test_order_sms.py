"""Order news by SMS when the shop turns it on (O1): the shipped and delayed messages go
as an SMS row too, once per order message, with the order status link."""

import pytest

from kundsvar.channels.phone.models import OutboundSms
from kundsvar.commerce import proactive
from kundsvar.commerce.models import MessageKind
from kundsvar.commerce.tests.factories import OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


def test_shipped_goes_by_sms_too_when_the_shop_says_so(
    elks, fake, now, django_capture_on_commit_callbacks
):
    order = OrderFactory(shop=elks.shop, phone="070-123 45 67")
    shipment = ShipmentFactory(order=order)
    assert proactive.on_change(order, MessageKind.SHIPPED, obj=shipment) is not None
    assert not OutboundSms.objects.exists()  # off by default: only the email
    elks.sms_order_messages = True
    elks.save()
    second = ShipmentFactory(order=order, tracking_number="RR987654321SE")
    with django_capture_on_commit_callbacks(execute=True):
        proactive.on_change(order, MessageKind.SHIPPED, obj=second)
        proactive.on_change(order, MessageKind.SHIPPED, obj=second)  # a redelivered webhook
    row = OutboundSms.objects.get()
    assert row.kind == "order" and row.to_number == "46701234567" and row.state == "sent"
    assert row.body.startswith(f"Nätbutiken: Din order #{order.number} är skickad.")
    assert "/o/" in row.body  # the order status page
    assert fake.sent[-1].form["message"] == row.body


def test_no_sms_without_a_phone_number_or_for_other_kinds(elks, now):
    elks.sms_order_messages = True
    elks.save()
    order = OrderFactory(shop=elks.shop, phone="")
    proactive.on_change(order, MessageKind.SHIPPED, obj=ShipmentFactory(order=order))
    with_phone = OrderFactory(shop=elks.shop, phone="0701234567")
    proactive.on_change(with_phone, MessageKind.CONFIRMED)
    assert not OutboundSms.objects.exists()
