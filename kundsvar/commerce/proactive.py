"""Proactive order messages (rules O1, O4, O6, O8): the customer hears about every
change before having to ask "where is my order?".

Each message is an `OrderMessage` row with a key unique per order ("shipped:<shipment
id>", "refund_paid:<refund id>", "check_in"), written in the same transaction as the
outgoing message row (`channels.outbox`), so a message goes out once however often a
webhook is redelivered or a sweep runs. Each kind can be switched off per shop (`CommerceSettings`).
"""

import logging
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kundsvar.channels.outbox import OutboundKind, send_to_customer, text_about_order

from . import emails
from .models import (
    CommerceSettings,
    LineStatus,
    MessageKind,
    Order,
    OrderMessage,
    OrderStatus,
    Shipment,
    ShipmentStatus,
)

log = logging.getLogger(__name__)

# Kinds that are about one object; the others are about the order as a whole.
_PER_OBJECT = {
    MessageKind.SHIPPED,
    MessageKind.DELAYED,
    MessageKind.DELIVERED,
    MessageKind.RETURN_RECEIVED,
    MessageKind.REFUND_PAID,
}
_SWITCHES = {
    MessageKind.CONFIRMED: "notify_confirmed",
    MessageKind.WAITING: "notify_waiting",
    MessageKind.SHIPPED: "notify_shipped",
    MessageKind.DELAYED: "notify_delayed",
    MessageKind.DELIVERED: "notify_delivered",
    MessageKind.RETURN_RECEIVED: "notify_return_received",
    MessageKind.REFUND_PAID: "notify_refund_paid",
    MessageKind.CHECK_IN: "notify_check_in",
}
# A check-in is sent in daytime, shop time, and not at all once it would be stale.
CHECK_IN_HOURS = (time(8), time(20))
CHECK_IN_STALE_AFTER = timedelta(days=14)


def message_key(order, kind: str, obj=None) -> str:
    """What makes a message unique for its order. A new expected date while waiting for
    goods is news, so it gets a new key; the same date again is not. An order late before
    any parcel left is keyed by its window, so a new, later window can be late again."""
    if kind == MessageKind.DELAYED and obj is None:
        return f"delayed:order:{order.expected_to.isoformat() if order.expected_to else '-'}"
    if kind in _PER_OBJECT:
        return f"{kind}:{obj.pk}"
    if kind == MessageKind.WAITING:
        dates = [
            line.expected_at
            for line in order.lines.all()
            if line.status == LineStatus.WAITING and line.expected_at
        ]
        return f"waiting:{max(dates).isoformat() if dates else '-'}"
    return str(kind)


def on_change(order, kind: str, *, obj=None, now=None) -> OrderMessage | None:
    """Commerce services call this inside their transaction when something the customer
    should hear about happened. `kind` is a MessageKind value (confirmed, waiting,
    shipped, delivered, return_received, refund_paid); `obj` is the Shipment, Return or
    Refund it is about (None for order-level kinds).

    Returns the new OrderMessage, or None when nothing was sent: switched off, no email
    address, or already sent under the same key."""
    if kind not in _SWITCHES:
        log.warning("unknown order message kind %r", kind)
        return None
    if kind in _PER_OBJECT and obj is None and kind != MessageKind.DELAYED:
        raise ValueError(f"an order message of kind {kind} needs the object it is about")
    settings = CommerceSettings.for_shop(order.shop)
    if not getattr(settings, _SWITCHES[kind]):
        return None
    to = emails.order_address(order)
    if not to:
        return None  # nowhere to write; the order status page still shows it
    key = message_key(order, kind, obj)
    if OrderMessage.objects.filter(order=order, key=key).exists():
        return None  # the common redelivery; the unique constraint is the real guard
    return _send(order, kind, key, obj, to, now or timezone.now())


def _send(order, kind, key, obj, to, now) -> OrderMessage | None:
    built = emails.BUILDERS[kind](order, obj, to)
    try:
        with transaction.atomic():
            message = OrderMessage.objects.create(
                order=order,
                kind=kind,
                key=key,
                language=emails.order_language(order),
                to_address=to,
                subject=str(built["Subject"]),
                created_at=now,
            )
            message.outbound = send_to_customer(built, kind=OutboundKind.ORDER, now=now)
            text_about_order(order, kind, now=now)  # by SMS too, where the shop says so
            message.save(update_fields=["outbound"])
    except IntegrityError:
        return None  # another worker or webhook sent it first
    return message


# -- periodic sweeps ------------------------------------------------------------------


def _overdue(shipment, now: datetime) -> bool:
    return shipment.expected_to < now.astimezone(shipment.order.shop.tz).date()


def sweep_delayed(now: datetime | None = None) -> int:
    """O1: a parcel whose expected window has passed without delivery gets the delayed
    message. The parcel is claimed with a conditional update on `delay_notified_at`, so
    two workers never send it twice. Returns how many were claimed."""
    now = now or timezone.now()
    # The shop's date may be a day ahead of UTC; the exact check is per parcel.
    candidates = (
        Shipment.objects.filter(
            delivered_at__isnull=True,
            delay_notified_at__isnull=True,
            expected_to__lt=now.date() + timedelta(days=1),
        )
        .exclude(status__in=[ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED])
        .exclude(order__status=OrderStatus.CANCELLED)
        .select_related("order__shop")
    )
    claimed = 0
    for shipment in candidates[:500]:
        if _overdue(shipment, now):
            claimed += _claim_and_notify(shipment, now)
    return claimed


def sweep_late_orders(now: datetime | None = None) -> int:
    """O1: an order whose delivery window has passed while nothing has been shipped yet
    (waiting for goods that came late) gets the delayed message too. The message key
    (`delayed:order:<window end>`) makes it once per window. Returns how many were sent."""
    now = now or timezone.now()
    candidates = Order.objects.filter(
        expected_to__lt=now.date() + timedelta(days=1),
        status__in=[OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.WAITING],
        shipments__isnull=True,
    ).select_related("shop")
    sent = 0
    for order in candidates[:500]:
        if order.expected_to >= now.astimezone(order.shop.tz).date():
            continue
        try:
            with transaction.atomic():
                sent += on_change(order, MessageKind.DELAYED, now=now) is not None
        except Exception:  # one broken order must not stop the sweep
            log.exception("delayed message for order %s failed", order.pk)
    return sent


def _claim_and_notify(shipment, now: datetime) -> bool:
    try:
        with transaction.atomic():
            if not Shipment.objects.filter(
                pk=shipment.pk, delay_notified_at__isnull=True, delivered_at__isnull=True
            ).update(delay_notified_at=now):
                return False  # another worker got there first, or it was just delivered
            on_change(shipment.order, MessageKind.DELAYED, obj=shipment, now=now)
            return True
    except Exception:  # one broken parcel must not stop the sweep; the next run retries it
        log.exception("delayed message for shipment %s failed", shipment.pk)
        return False


def _check_in_due(order, settings, now: datetime) -> bool:
    shipments = list(order.shipments.all())
    if not shipments or any(
        s.delivered_at is None and s.status != ShipmentStatus.RETURNED for s in shipments
    ):
        return False  # not all of it has arrived yet
    delivered = max(s.delivered_at for s in shipments if s.delivered_at)
    due = delivered + timedelta(days=settings.check_in_days)
    local = now.astimezone(order.shop.tz).time()
    return (
        due <= now < due + CHECK_IN_STALE_AFTER and CHECK_IN_HOURS[0] <= local < CHECK_IN_HOURS[1]
    )


def send_check_ins(now: datetime | None = None) -> int:
    """O8: `check_in_days` after the order was delivered, ask whether all is well.
    Returns how many were sent."""
    now = now or timezone.now()
    longest = max(CommerceSettings.objects.values_list("check_in_days", flat=True), default=0)
    longest = max(longest, CommerceSettings._meta.get_field("check_in_days").default)
    recent = Shipment.objects.filter(
        delivered_at__gte=now - timedelta(days=longest) - CHECK_IN_STALE_AFTER,
        delivered_at__lte=now,
    )
    orders = (
        recent.exclude(order__messages__kind=MessageKind.CHECK_IN)
        .values_list("order_id", flat=True)
        .distinct()
    )
    sent = 0
    for order in Order.objects.filter(pk__in=list(orders[:2000])).select_related("shop"):
        settings = CommerceSettings.for_shop(order.shop)
        if not settings.notify_check_in or not _check_in_due(order, settings, now):
            continue
        try:
            with transaction.atomic():
                sent += on_change(order, MessageKind.CHECK_IN, now=now) is not None
        except Exception:  # as above: the others still get theirs
            log.exception("check-in for order %s failed", order.pk)
    return sent
