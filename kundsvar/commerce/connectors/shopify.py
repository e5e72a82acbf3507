"""Shopify webhooks → commerce services.

Topics: orders/create, orders/updated (also orders/paid, orders/cancelled,
orders/fulfilled, orders/partially_fulfilled, which carry the same order body),
fulfillments/create, fulfillments/update, refunds/create. Others are stored and ignored.

Signature: `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(raw body, the shop's
`CommerceSettings.shopify_secret`)), compared in constant time. Redelivery is recognised
by `X-Shopify-Webhook-Id`. Bodies may be the bare resource (webhooks) or wrapped as in the
REST API (`{"order": {…}}`); both are read. Money strings ("199.00") become minor units
through Decimal, never float.
"""

import base64
import hashlib
import hmac
from decimal import Decimal

from kundsvar.commerce import carriers, services
from kundsvar.commerce.models import (
    DeductionReason,
    LineStatus,
    Order,
    OrderStatus,
    Platform,
    ShipmentStatus,
)
from kundsvar.commerce.records import (
    DeductionData,
    ItemRef,
    LineData,
    OrderData,
    RecordError,
    RefundData,
    RefundLineData,
    ShipmentData,
    digits,
    to_datetime,
    to_decimal,
    to_minor,
)

from .inbox import Result

PLATFORM = Platform.SHOPIFY
# Shopify retries a non-2xx answer with the same webhook id: a failure may answer 500.
RETRY_ON_FAILURE = True

SHIPMENT_STATUS = {
    "label_printed": ShipmentStatus.LABEL_CREATED,
    "label_purchased": ShipmentStatus.LABEL_CREATED,
    "confirmed": ShipmentStatus.LABEL_CREATED,
    "in_transit": ShipmentStatus.IN_TRANSIT,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "ready_for_pickup": ShipmentStatus.READY_FOR_PICKUP,
    "attempted_delivery": ShipmentStatus.FAILED,
    "failure": ShipmentStatus.FAILED,
    "delivered": ShipmentStatus.DELIVERED,
}
# Fulfillments in these states never left the warehouse.
NOT_SHIPPED = {"cancelled", "error", "failure"}
CONFIRMED_PAYMENT = {"paid", "partially_paid", "authorized", "partially_refunded"}


def secret(commerce_settings) -> str:
    return commerce_settings.shopify_secret if commerce_settings else ""


def sign(secret_value: str, body: bytes) -> str:
    digest = hmac.new(secret_value.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(secret_value: str, body: bytes, request) -> bool:
    given = request.headers.get("X-Shopify-Hmac-Sha256", "")
    return bool(secret_value and given) and hmac.compare_digest(
        sign(secret_value, body).encode(), given.strip().encode()
    )


def webhook_id(request, body: bytes) -> str:
    given = request.headers.get("X-Shopify-Webhook-Id", "").strip()
    return given or "sha256:" + hashlib.sha256(topic(request).encode() + body).hexdigest()


def topic(request) -> str:
    return request.headers.get("X-Shopify-Topic", "").strip().lower()


def is_ping(request, body: bytes) -> bool:
    return False


def handle(shop, topic_name: str, payload, *, notify: bool = True) -> Result:
    if not isinstance(payload, dict):
        raise RecordError("the body is not a JSON object")
    if topic_name.startswith("orders/"):
        return _order(shop, _unwrap(payload, "order"), notify=notify)
    if topic_name.startswith("fulfillments/"):
        return _fulfillment(shop, _unwrap(payload, "fulfillment"), notify=notify)
    if topic_name.startswith("refunds/"):
        return _refund(shop, _unwrap(payload, "refund"), notify=notify)
    return Result()  # stored, nothing to do


def _unwrap(payload: dict, key: str) -> dict:
    inner = payload.get(key)
    return inner if isinstance(inner, dict) else payload


def _find_order(shop, external_id) -> Order | None:
    return Order.objects.filter(shop=shop, platform=PLATFORM, external_id=str(external_id)).first()


# Orders --------------------------------------------------------------------------------


def _order(shop, p: dict, *, notify: bool) -> Result:
    data = order_data(p)
    order = services.save_order(shop, data, platform=PLATFORM, notify=notify)
    for fulfillment in p.get("fulfillments") or []:
        if (fulfillment.get("status") or "") not in NOT_SHIPPED:
            services.save_shipment(order, shipment_data(fulfillment), notify=notify)
    return Result(saved_orders=[data.external_id])


def order_data(p: dict) -> OrderData:
    if p.get("id") in (None, ""):
        raise RecordError("order without id")
    currency = p.get("currency") or "SEK"
    address = p.get("shipping_address") or p.get("billing_address") or {}
    customer = p.get("customer") or {}
    taxes_included = bool(p.get("taxes_included"))
    shipping_lines = p.get("shipping_lines") or []
    shipping = _money_set(p.get("total_shipping_price_set"), currency)
    if shipping is None:
        shipping = sum(to_minor(s.get("price"), currency) for s in shipping_lines)
    return OrderData(
        external_id=str(p["id"]),
        number=str(p.get("name") or p.get("order_number") or p["id"]).lstrip("#"),
        placed_at=to_datetime(p.get("processed_at") or p.get("created_at")),
        updated_at=to_datetime(p.get("updated_at")),
        email=p.get("email") or p.get("contact_email") or customer.get("email") or "",
        name=_name(address) or _name(p.get("billing_address") or {}) or _name(customer),
        phone=(p.get("phone") or address.get("phone") or customer.get("phone") or ""),
        postcode=digits(address.get("zip")),
        country=address.get("country_code") or "",
        language=(p.get("customer_locale") or "")[:2],
        status=_status(p),
        financial_status=p.get("financial_status") or "",
        currency=currency,
        subtotal_minor=to_minor(p.get("subtotal_price"), currency),
        shipping_minor=shipping,
        discount_minor=to_minor(p.get("total_discounts"), currency),
        tax_minor=to_minor(p.get("total_tax"), currency),
        total_minor=to_minor(p.get("total_price"), currency),
        payment_method=", ".join(p.get("payment_gateway_names") or []) or p.get("gateway") or "",
        shipping_method=(shipping_lines[0].get("title") or "") if shipping_lines else "",
        shipping_code=(shipping_lines[0].get("code") or "") if shipping_lines else "",
        lines=[_line(item, currency, taxes_included) for item in p.get("line_items") or []],
    )


def _money_set(value, currency: str) -> int | None:
    try:
        return to_minor(value["shop_money"]["amount"], currency)
    except (KeyError, TypeError):
        return None


def _name(person: dict) -> str:
    if person.get("name"):
        return str(person["name"])
    return " ".join(str(person.get(k) or "") for k in ("first_name", "last_name")).strip()


def _status(p: dict) -> str:
    if p.get("cancelled_at"):
        return OrderStatus.CANCELLED
    financial = p.get("financial_status") or ""
    if financial == "refunded":
        return OrderStatus.REFUNDED
    fulfillment = p.get("fulfillment_status") or ""
    if fulfillment == "fulfilled":
        return OrderStatus.SHIPPED
    if fulfillment == "partial":
        return OrderStatus.PARTLY_SHIPPED
    if financial in CONFIRMED_PAYMENT:
        return OrderStatus.CONFIRMED
    return OrderStatus.PLACED


def _line(item: dict, currency: str, taxes_included: bool) -> LineData:
    quantity = int(item.get("quantity") or 0)
    price = to_decimal(item.get("price"))
    discount = to_decimal(item.get("total_discount")) + sum(
        (to_decimal(a.get("amount")) for a in item.get("discount_allocations") or []), Decimal(0)
    )
    tax_lines = item.get("tax_lines") or []
    tax = sum((to_decimal(t.get("price")) for t in tax_lines), Decimal(0))
    total = price * quantity - discount + (Decimal(0) if taxes_included else tax)
    unit = price + (Decimal(0) if taxes_included or not quantity else tax / quantity)
    rate = to_decimal(tax_lines[0].get("rate")) * 100 if tax_lines else None
    return LineData(
        external_id=str(item.get("id") or ""),
        sku=item.get("sku") or "",
        name=item.get("name") or item.get("title") or "",
        quantity=quantity,
        unit_price_minor=to_minor(unit, currency),
        total_minor=to_minor(total, currency),
        tax_minor=to_minor(tax, currency),
        vat_rate=rate.quantize(Decimal("0.01")) if rate is not None else None,
        status=LineStatus.CANCELLED if item.get("fulfillment_status") == "cancelled" else None,
    )


# Fulfillments ----------------------------------------------------------------------------


def _fulfillment(shop, p: dict, *, notify: bool) -> Result:
    if p.get("order_id") in (None, ""):
        raise RecordError("fulfillment without order_id")
    order = _find_order(shop, p["order_id"])
    if order is None:
        return Result(waiting_for=str(p["order_id"]))
    if (p.get("status") or "") in NOT_SHIPPED and not order.shipments.filter(
        external_id=str(p.get("id") or "")
    ).exists():
        return Result()
    services.save_shipment(order, shipment_data(p), notify=notify)
    return Result()


def shipment_data(p: dict) -> ShipmentData:
    numbers = p.get("tracking_numbers") or []
    urls = p.get("tracking_urls") or []
    company = p.get("tracking_company") or ""
    status = SHIPMENT_STATUS.get(p.get("shipment_status") or "")
    updated = to_datetime(p.get("updated_at"))
    return ShipmentData(
        external_id=str(p.get("id") or ""),
        tracking_number=p.get("tracking_number") or (numbers[0] if numbers else ""),
        tracking_url=p.get("tracking_url") or (urls[0] if urls else ""),
        carrier=carriers.carrier_code_for_name(company),
        carrier_name=company,
        status=status,
        shipped_at=to_datetime(p.get("created_at")),
        delivered_at=updated if status == ShipmentStatus.DELIVERED else None,
        updated_at=updated,
        lines=[
            ItemRef(
                line_external_id=str(i.get("id") or ""),
                sku=i.get("sku") or "",
                quantity=int(i.get("quantity") or 1),
            )
            for i in p.get("line_items") or []
        ],
    )


# Refunds -------------------------------------------------------------------------------


def _refund(shop, p: dict, *, notify: bool) -> Result:
    order_id = p.get("order_id") or next(
        (t.get("order_id") for t in p.get("transactions") or [] if t.get("order_id")), None
    )
    if order_id in (None, ""):
        raise RecordError("refund without order_id")
    order = _find_order(shop, order_id)
    if order is None:
        return Result(waiting_for=str(order_id))
    services.save_refund(order, refund_data(order, p), notify=notify)
    return Result()


def refund_data(order: Order, p: dict) -> RefundData:
    """Lines cost what their order lines cost (pro rata, VAT included). The money sent is
    the successful refund transactions; if that is less than the lines, the difference is
    a deduction (the shop kept it) with the shop's policy as its justification."""
    currency = order.currency
    lines = [_refund_line(order, item, currency) for item in p.get("refund_line_items") or []]
    transactions = [
        t
        for t in p.get("transactions") or []
        if t.get("kind") in ("refund", "suggested_refund")
        and t.get("status", "success") in ("success", None)
    ]
    sent = sum(to_minor(t.get("amount"), currency) for t in transactions)
    shipping = (p.get("shipping") or {}).get("amount")
    paid = sum(line.amount_minor for line in lines) + to_minor(shipping, currency)
    if sent > paid:
        paid = sent  # money refunded beyond the lines (shipping, goodwill)
    deductions = []
    if transactions and sent < paid:
        deductions.append(DeductionData(reason=DeductionReason.OTHER, amount_minor=paid - sent))
    money_sent = any(t.get("kind") == "refund" for t in transactions)
    created = to_datetime(p.get("created_at")) or order.placed_at
    return RefundData(
        external_id=str(p.get("id") or ""),
        created_at=created,
        currency=currency,
        paid_minor=paid,
        note=p.get("note") or "",
        method=", ".join(sorted({t.get("gateway") or "" for t in transactions} - {""})),
        paid_at=(to_datetime(p.get("processed_at")) or created) if money_sent else None,
        lines=lines,
        deductions=deductions,
    )


def _refund_line(order: Order, item: dict, currency: str) -> RefundLineData:
    line_id = str(item.get("line_item_id") or (item.get("line_item") or {}).get("id") or "")
    quantity = int(item.get("quantity") or 1)
    local = order.lines.filter(external_id=line_id).first() if line_id else None
    if local is not None and local.quantity:
        amount = local.total_minor * quantity // local.quantity
        tax = local.tax_minor * quantity // local.quantity
        name = local.name
    else:
        inner = item.get("line_item") or {}
        unit = to_decimal(inner.get("price") or item.get("price"))
        price = item.get("subtotal") or unit * quantity
        amount, tax = to_minor(price, currency), to_minor(item.get("total_tax"), currency)
        name = inner.get("name") or inner.get("title") or ""
    return RefundLineData(
        description=name,
        amount_minor=amount,
        line_external_id=line_id,
        quantity=quantity,
        tax_minor=tax,
    )
