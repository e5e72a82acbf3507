"""Every commerce write (rules O1, O6): orders, parcels, returns and refunds.

Connectors (Shopify, WooCommerce) and the importer turn platform data into the plain
dataclasses of `records.py` and call these functions; so does the demo. Each function runs
in one transaction and locks the order row, so two webhooks about the same order are
applied one after the other.

Each change the customer should hear about calls `proactive.on_change` exactly once:
`confirmed` (first sight of a paid order), `waiting` (a line became waiting for goods),
`shipped` (a new parcel), `delivered`, `return_received` and `refund_paid`. A webhook
delivered twice changes nothing the second time and so calls nothing. Pass
`notify=False` to write without telling anyone (the demo, a historical import).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.db.models import Sum

from kundsvar.commerce import carriers, delivery, proactive
from kundsvar.core import batchcache
from kundsvar.customers.services import add_phone, find_or_create_customer

from . import refunds as arithmetic
from .models import (
    CommerceSettings,
    LineStatus,
    MessageKind,
    Order,
    OrderLine,
    OrderStatus,
    Refund,
    RefundDeduction,
    RefundLine,
    Return,
    ReturnLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
    ShippingMethod,
)
from .records import (
    ItemRef,
    LineData,
    OrderData,
    RecordError,
    RefundData,
    RefundLineData,
    ReturnData,
    ShipmentData,
    digits,
)

if TYPE_CHECKING:
    from kundsvar.shops.models import Shop

# Statuses only the platform or a return decides; shipments never move an order out of them.
FINAL = {OrderStatus.CANCELLED, OrderStatus.RETURNED, OrderStatus.REFUNDED}
# First sight of an order in one of these is "your order is confirmed".
CONFIRMED = {OrderStatus.CONFIRMED, OrderStatus.WAITING}
# Line statuses the platform may set; shipped/delivered/returned come from our own rows.
PLATFORM_LINE_STATUSES = {LineStatus.IN_STOCK, LineStatus.WAITING, LineStatus.CANCELLED}


def _fit(obj: models.Model, **values: object) -> None:
    """Assign values, cleaned the same way on SQLite and PostgreSQL: no NUL characters,
    text cut to the column's max_length (platform data is not ours to refuse)."""
    for name, value in values.items():
        if isinstance(value, str):
            value = value.replace("\x00", "")
            limit = getattr(obj._meta.get_field(name), "max_length", None)
            if limit:
                value = value[:limit]
        setattr(obj, name, value)


def _notify(order: Order, kind: str, obj: models.Model | None = None, *, notify: bool) -> None:
    if notify:
        proactive.on_change(order, kind, obj=obj)


def _is_older(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


# Orders ---------------------------------------------------------------------------------


def save_order(shop: "Shop", data: OrderData, *, platform: str, notify: bool = True) -> Order:
    """Create or update the order (shop, platform, external_id) and its lines.

    A payload whose `updated_at` is older than what we stored is ignored. The customer is
    found or created from the email address (a phone number is added to them), the
    shipping method is matched by code or name, and the delivery window is filled.
    """
    if not data.external_id or not data.number or data.placed_at is None:
        raise RecordError("an order needs an id, a number and the time it was placed")
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(shop=shop, platform=platform, external_id=data.external_id)
            .first()
        )
        created = False
        if order is None:
            order, created = _create_order(shop, platform, data)
        if not created:
            if _is_older(data.updated_at, order.source_updated_at):
                return order
            _apply_order(order, data)
            order.save()
        before = None if created else order.status
        became_waiting = _save_lines(order, data.lines)
        _refresh(order, base=data.status or order.status or OrderStatus.PLACED)
        if order.status in CONFIRMED and before in (None, OrderStatus.PLACED):
            _notify(order, MessageKind.CONFIRMED.value, notify=notify)
        if became_waiting:
            _notify(order, MessageKind.WAITING.value, notify=notify)
        return order


def _create_order(shop: "Shop", platform: str, data: OrderData) -> tuple[Order, bool]:
    order = Order(shop=shop, platform=platform, status=OrderStatus.PLACED)
    _apply_order(order, data)
    try:
        with transaction.atomic():
            order.save()
        batchcache.forget(shop.pk)  # matching.shop_has_orders
        return order, True
    except IntegrityError:
        # The same order arrived through another webhook a moment ago: update theirs.
        return (
            Order.objects.select_for_update().get(
                shop=shop, platform=platform, external_id=data.external_id
            ),
            False,
        )


def _apply_order(order: Order, data: OrderData) -> None:
    _fit(
        order,
        external_id=data.external_id,
        number=data.number.lstrip("#"),
        email=data.email.strip(),
        name=data.name.strip(),
        phone=data.phone.strip(),
        postcode=digits(data.postcode),
        country=data.country.upper()[:2],
        language=data.language.lower()[:2],
        placed_at=data.placed_at,
        financial_status=data.financial_status,
        currency=(data.currency or "SEK").upper(),
        subtotal_minor=data.subtotal_minor,
        shipping_minor=data.shipping_minor,
        discount_minor=data.discount_minor,
        tax_minor=data.tax_minor,
        total_minor=data.total_minor,
        payment_method=data.payment_method,
        shipping_method=data.shipping_method,
    )
    if data.updated_at is not None:
        order.source_updated_at = data.updated_at
    order.shipping = _shipping_method(order.shop, data)
    if order.email:
        customer = find_or_create_customer(order.shop, order.email, order.name, order.language)
        order.customer = customer
        if order.phone:
            add_phone(customer, order.phone, order.country)


def _shipping_method(shop: "Shop", data: OrderData) -> ShippingMethod | None:
    methods = ShippingMethod.objects.filter(shop=shop)
    for value in (data.shipping_code, data.shipping_method):
        value = value.strip()
        if value:
            found = (
                methods.filter(code__iexact=value).first()
                or methods.filter(name__iexact=value).first()
            )
            if found:
                return found
    return None


def _save_lines(order: Order, lines: list[LineData]) -> bool:
    """Upsert lines by external id, else SKU. Lines the payload leaves out are kept.
    Returns whether any line became waiting for goods (or got a new expected date)."""
    existing = list(order.lines.all())
    taken: set[int] = set()
    became_waiting = False
    for data in lines:
        line = _find_line(existing, taken, data.external_id, data.sku)
        new = line is None
        if line is None:
            line = OrderLine(order=order, status=LineStatus.IN_STOCK)
        else:
            taken.add(line.pk)
        was = None if new else line.status
        was_expected = None if new else line.expected_at
        _fit(
            line,
            external_id=data.external_id,
            sku=data.sku,
            name=data.name or data.sku,
            quantity=max(data.quantity, 0),
            unit_price_minor=data.unit_price_minor,
            total_minor=data.total_minor,
            tax_minor=data.tax_minor,
            vat_rate=data.vat_rate,
            expected_at=data.expected_at,
            supplier_lead_days=data.supplier_lead_days,
        )
        if data.status and (new or line.status in PLATFORM_LINE_STATUSES):
            line.status = data.status
        line.save()
        if new:
            existing.append(line)
            taken.add(line.pk)
        # A new expected date for goods already waited for is news too (O1, O3).
        if line.status == LineStatus.WAITING and (
            was != LineStatus.WAITING or line.expected_at != was_expected
        ):
            became_waiting = True
    return became_waiting


def _find_line(
    lines: list[OrderLine], taken: set[int], external_id: str, sku: str
) -> OrderLine | None:
    for key, value in (("external_id", external_id), ("sku", sku)):
        if value:
            for line in lines:
                if line.pk not in taken and getattr(line, key) == value:
                    return line
    return None


def _line_for(order: Order, ref: ItemRef | RefundLineData) -> OrderLine | None:
    lines = order.lines.all()
    if ref.line_external_id:
        found = lines.filter(external_id=ref.line_external_id).first()
        if found:
            return found
    if ref.sku:
        return lines.filter(sku=ref.sku).first()
    return None


def _refresh(order: Order, *, base: str) -> None:
    """Derive the order's status from the platform's view and our parcels and lines,
    then refill the delivery window."""
    order.status = _derive_status(order, base)
    order.expected_from, order.expected_to = delivery.order_window(order)
    order.save(update_fields=["status", "expected_from", "expected_to", "updated_at"])


def _derive_status(order: Order, base: str) -> str:
    if base in FINAL:
        return base
    if order.status in FINAL and order.pk:
        return order.status  # only the platform (a final base) moves it again
    lines = [line for line in order.lines.all() if line.status != LineStatus.CANCELLED]
    if lines and all(line.status == LineStatus.RETURNED for line in lines):
        return OrderStatus.RETURNED
    shipments = list(order.shipments.all())
    if shipments:
        shipped = _all_shipped(lines, shipments)
        if shipped and all(s.delivered_at for s in shipments):
            return OrderStatus.DELIVERED
        return OrderStatus.SHIPPED if shipped else OrderStatus.PARTLY_SHIPPED
    if base in (OrderStatus.SHIPPED, OrderStatus.PARTLY_SHIPPED, OrderStatus.DELIVERED):
        return base
    if any(line.status == LineStatus.WAITING for line in lines):
        return OrderStatus.WAITING
    if base == OrderStatus.WAITING:
        return OrderStatus.CONFIRMED  # the goods came in
    return base


def _all_shipped(lines: list[OrderLine], shipments: list[Shipment]) -> bool:
    # A parcel the platform sent without its lines counts as the whole order.
    if any(not s.lines.exists() for s in shipments):
        return True
    sent = dict(
        ShipmentLine.objects.filter(shipment__in=shipments)
        .values("line")
        .annotate(n=Sum("quantity"))
        .values_list("line", "n")
    )
    return all(sent.get(line.pk, 0) >= line.quantity for line in lines)


# Parcels --------------------------------------------------------------------------------


def save_shipment(order: Order, data: ShipmentData, *, notify: bool = True) -> Shipment:
    """Create or update a parcel (by external id, else tracking number) with its lines.
    A new parcel tells the customer it is on its way; one arriving already delivered
    tells them it was delivered instead."""
    with transaction.atomic():
        order = _locked(order)
        shipment = _find_shipment(order, data)
        created = shipment is None
        if shipment is None:
            shipment = Shipment(order=order)
        elif _is_older(data.updated_at, shipment.source_updated_at):
            return shipment
        was_delivered = shipment.delivered_at is not None
        carrier, carrier_name = _carrier(data)
        _fit(
            shipment,
            external_id=data.external_id or shipment.external_id,
            tracking_number=carriers.normalize(data.tracking_number) or shipment.tracking_number,
            carrier=carrier or shipment.carrier,
            carrier_name=carrier_name or shipment.carrier_name,
            tracking_url=data.tracking_url or shipment.tracking_url,
        )
        if data.status:
            shipment.status = data.status
        shipment.shipped_at = data.shipped_at or shipment.shipped_at
        if data.updated_at is not None:
            shipment.source_updated_at = data.updated_at
        delivered_at = data.delivered_at or (
            (data.updated_at or data.shipped_at)
            if data.status == ShipmentStatus.DELIVERED
            else None
        )
        if delivered_at and not was_delivered:
            shipment.delivered_at = delivered_at
            shipment.status = ShipmentStatus.DELIVERED
        shipment.save()
        _save_shipment_lines(order, shipment, data.lines)
        shipment.expected_from, shipment.expected_to = delivery.shipment_window(shipment)
        shipment.save(update_fields=["expected_from", "expected_to"])
        delivered_now = shipment.delivered_at is not None and not was_delivered
        if delivered_now:
            ShipmentEvent.objects.create(
                shipment=shipment,
                # Not None: delivered_now says so.
                happened_at=shipment.delivered_at,  # type: ignore[misc]
                status=ShipmentStatus.DELIVERED,
            )
            _lines_delivered(shipment)
        _refresh(order, base=order.status)
        if created and not delivered_now:
            _notify(order, MessageKind.SHIPPED.value, shipment, notify=notify)
        if delivered_now:
            _notify(order, MessageKind.DELIVERED.value, shipment, notify=notify)
        return shipment


def _find_shipment(order: Order, data: ShipmentData) -> Shipment | None:
    shipments = Shipment.objects.select_for_update().filter(order=order)
    if data.external_id:
        found = shipments.filter(external_id=data.external_id).first()
        if found:
            return found
    number = carriers.normalize(data.tracking_number)
    if number:
        return shipments.filter(tracking_number=number).first()
    return None


def _carrier(data: ShipmentData) -> tuple[str, str]:
    """(code, name): as given, else from the name, else detected from the number."""
    code = data.carrier or carriers.carrier_code_for_name(data.carrier_name)
    if code or not data.tracking_number:
        return code, data.carrier_name
    guesses = [g for g in carriers.detect(data.tracking_number) if g.code]
    best = next((g for g in guesses if g.checksum_ok), guesses[0] if guesses else None)
    if best is None:
        return "", data.carrier_name
    return best.code, data.carrier_name or best.name


def _save_shipment_lines(order: Order, shipment: Shipment, refs: list[ItemRef]) -> None:
    for ref in refs:
        line = _line_for(order, ref)
        if line is None:
            continue
        row, _ = ShipmentLine.objects.get_or_create(
            shipment=shipment, line=line, defaults={"quantity": ref.quantity}
        )
        if row.quantity != ref.quantity:
            row.quantity = ref.quantity
            row.save(update_fields=["quantity"])
    for line in order.lines.filter(shipment_lines__shipment=shipment).distinct():
        sent = line.shipment_lines.aggregate(n=Sum("quantity"))["n"] or 0
        if sent >= line.quantity and line.status in PLATFORM_LINE_STATUSES - {LineStatus.CANCELLED}:
            OrderLine.objects.filter(pk=line.pk).update(status=LineStatus.SHIPPED)


def _lines_delivered(shipment: Shipment) -> None:
    OrderLine.objects.filter(shipment_lines__shipment=shipment, status=LineStatus.SHIPPED).update(
        status=LineStatus.DELIVERED
    )


def mark_delivered(shipment: Shipment, at: datetime, *, notify: bool = True) -> bool:
    """The parcel was delivered at `at`. False (and nothing said) if it already was."""
    with transaction.atomic():
        order = _locked(shipment.order)
        claimed = Shipment.objects.filter(pk=shipment.pk, delivered_at__isnull=True).update(
            delivered_at=at, status=ShipmentStatus.DELIVERED
        )
        if not claimed:
            return False
        shipment.refresh_from_db()
        ShipmentEvent.objects.create(
            shipment=shipment, happened_at=at, status=ShipmentStatus.DELIVERED
        )
        _lines_delivered(shipment)
        _refresh(order, base=order.status)
        _notify(order, MessageKind.DELIVERED.value, shipment, notify=notify)
        return True


# Returns --------------------------------------------------------------------------------


def save_return(order: Order, data: ReturnData, *, notify: bool = True) -> Return:
    """Create or update a return (by external id) with its lines; if `received_at` is
    given, the return is marked received (once)."""
    with transaction.atomic():
        order = _locked(order)
        ret = None
        if data.external_id:
            ret = Return.objects.filter(order=order, external_id=data.external_id).first()
        if ret is None:
            ret = Return(order=order, created_at=data.created_at)
        _fit(ret, external_id=data.external_id, reason=data.reason)
        ret.save()
        for ref in data.lines:
            line = _line_for(order, ref)
            if line is not None:
                ReturnLine.objects.update_or_create(
                    ret=ret, line=line, defaults={"quantity": ref.quantity}
                )
        if data.received_at is not None:
            mark_return_received(ret, data.received_at, notify=notify)
            ret.refresh_from_db()
        return ret


def mark_return_received(ret: Return, at: datetime, *, notify: bool = True) -> bool:
    """The returned goods arrived at the shop. False (and nothing said) if already so."""
    with transaction.atomic():
        order = _locked(ret.order)
        claimed = Return.objects.filter(pk=ret.pk, received_at__isnull=True).update(received_at=at)
        if not claimed:
            return False
        ret.received_at = at
        OrderLine.objects.filter(return_lines__ret=ret).exclude(status=LineStatus.CANCELLED).update(
            status=LineStatus.RETURNED
        )
        _refresh(order, base=order.status)
        _notify(order, MessageKind.RETURN_RECEIVED.value, ret, notify=notify)
        return True


# Refunds --------------------------------------------------------------------------------


def save_refund(order: Order, data: RefundData, *, notify: bool = True) -> Refund:
    """Create or update a refund (by external id) with its lines and deductions.

    refunded = paid − deductions (see `refunds.breakdown`: a deduction larger than what
    is left is capped). Each deduction carries the policy line that justifies it, by
    default the shop's return policy. The customer is told once, when it is paid.
    """
    with transaction.atomic():
        order = _locked(order)
        refund = None
        if data.external_id:
            refund = (
                Refund.objects.select_for_update()
                .filter(order=order, external_id=data.external_id)
                .first()
            )
        was_paid = refund is not None and refund.paid_at is not None
        if refund is None:
            refund = Refund(order=order, created_at=data.created_at)
        paid = data.paid_minor
        if paid is None:
            paid = sum(line.amount_minor for line in data.lines)
        policy = CommerceSettings.for_shop(order.shop).return_policy
        result = arithmetic.breakdown(
            max(paid, 0),
            [
                arithmetic.Requested(d.reason, d.amount_minor, d.label, d.policy_text or policy)
                for d in data.deductions
            ],
        )
        _fit(
            refund,
            external_id=data.external_id,
            currency=data.currency or order.currency,
            paid_minor=result.paid_minor,
            deducted_minor=result.deducted_minor,
            refunded_minor=result.refunded_minor,
            method=data.method,
            note=data.note,
        )
        refund.paid_at = refund.paid_at or data.paid_at
        refund.save()
        # Not a field: tells the caller which deductions were capped.
        refund.breakdown = result  # type: ignore[attr-defined]
        _replace_refund_rows(order, refund, data, result)
        total_refunded = order.refunds.aggregate(n=Sum("refunded_minor"))["n"] or 0
        if order.total_minor and total_refunded >= order.total_minor:
            _refresh(order, base=OrderStatus.REFUNDED)
        if refund.paid_at is not None and not was_paid:
            _notify(order, MessageKind.REFUND_PAID.value, refund, notify=notify)
        return refund


def _replace_refund_rows(
    order: Order, refund: Refund, data: RefundData, result: arithmetic.Breakdown
) -> None:
    # A redelivered refund replaces its rows rather than adding to them.
    refund.lines.all().delete()
    refund.deductions.all().delete()
    for item in data.lines:
        row = RefundLine(refund=refund, line=_line_for(order, item))
        _fit(
            row,
            description=item.description or (row.line.name if row.line else ""),
            quantity=max(item.quantity, 0),
            amount_minor=item.amount_minor,
            tax_minor=item.tax_minor,
        )
        row.save()
    for applied in result.deductions:
        if applied.amount_minor <= 0:
            continue  # capped to nothing: shown in the breakdown, not stored
        deduction = RefundDeduction(
            refund=refund, amount_minor=applied.amount_minor, policy_text=applied.policy_text
        )
        _fit(deduction, reason=applied.reason, label=applied.label)
        deduction.save()


# The shop admin's settings (Settings → Orders and delivery).
@transaction.atomic
def save_settings(settings: CommerceSettings, **values: object) -> CommerceSettings:
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save(update_fields=list(values))
    return settings


@transaction.atomic
def save_shipping_method(
    shop: "Shop", method: ShippingMethod | None, **values: object
) -> ShippingMethod:
    method = method or ShippingMethod(shop=shop)
    for name, value in values.items():
        setattr(method, name, value)
    method.save()
    return method
