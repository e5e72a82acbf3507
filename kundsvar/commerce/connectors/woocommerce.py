"""WooCommerce webhooks → commerce services.

Topics: order.created, order.updated, order.restored (an order body; refunds listed in
it are saved too, without lines until their own webhook comes), order.deleted (ignored),
and refunds: any topic with "refund" in it (e.g. a custom `order_refund.created` webhook)
or a body that is a refund (`refunded_by`/`amount` and an order link). The refund's
order comes from `order_id`, else from `_links.up` (…/orders/<id>).

Signature: `X-WC-Webhook-Signature` is base64(HMAC-SHA256(raw body, the shop's
`CommerceSettings.woocommerce_secret`)). Redelivery is recognised by
`X-WC-Webhook-Delivery-ID`. When a webhook is created, WooCommerce pings the URL with a
form-encoded `webhook_id=<n>` and no signature: answered 200, nothing stored.
"""

import base64
import hashlib
import hmac
import html
import re
from decimal import Decimal

from kundsvar.commerce import services
from kundsvar.commerce.models import DeductionReason, Order, OrderStatus, Platform
from kundsvar.commerce.records import (
    DeductionData,
    LineData,
    OrderData,
    RecordError,
    RefundData,
    RefundLineData,
    digits,
    to_datetime,
    to_decimal,
    to_minor,
)

from .inbox import Result

PLATFORM = Platform.WOOCOMMERCE
# WooCommerce does not retry and disables a webhook after 5 failed deliveries: a failure
# is answered 200 and retried by `reprocess-webhooks` instead.
RETRY_ON_FAILURE = False

STATUS = {
    "pending": OrderStatus.PLACED,
    "on-hold": OrderStatus.PLACED,  # awaiting payment (bank transfer, invoice check)
    "checkout-draft": OrderStatus.PLACED,
    "processing": OrderStatus.CONFIRMED,  # paid, being packed
    "completed": OrderStatus.SHIPPED,  # WooCommerce's "fulfilled"
    "cancelled": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
}
PING = re.compile(rb"^webhook_id=\d+$")
ORDER_LINK = re.compile(r"/orders/(\d+)(?:/|$)")


def secret(commerce_settings) -> str:
    return commerce_settings.woocommerce_secret if commerce_settings else ""


def sign(secret_value: str, body: bytes) -> str:
    digest = hmac.new(secret_value.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(secret_value: str, body: bytes, request) -> bool:
    given = request.headers.get("X-WC-Webhook-Signature", "")
    return bool(secret_value and given) and hmac.compare_digest(
        sign(secret_value, body).encode(), given.strip().encode()
    )


def is_ping(request, body: bytes) -> bool:
    """WooCommerce's test delivery when a webhook is saved: answered 200, nothing kept."""
    return not topic(request) and bool(PING.match(body.strip()))


def webhook_id(request, body: bytes) -> str:
    given = request.headers.get("X-WC-Webhook-Delivery-ID", "").strip()
    return given or "sha256:" + hashlib.sha256(topic(request).encode() + body).hexdigest()


def topic(request) -> str:
    return request.headers.get("X-WC-Webhook-Topic", "").strip().lower()


def handle(shop, topic_name: str, payload, *, notify: bool = True) -> Result:
    if not isinstance(payload, dict):
        raise RecordError("the body is not a JSON object")
    if "refund" in topic_name or _is_refund(payload):
        return _refund(shop, payload, notify=notify)
    if topic_name in ("order.created", "order.updated", "order.restored", ""):
        return _order(shop, payload, notify=notify)
    return Result()  # order.deleted and others: stored, nothing to do


def _is_refund(p: dict) -> bool:
    return "refunded_by" in p or ("amount" in p and "line_items" in p and "billing" not in p)


def _find_order(shop, external_id) -> Order | None:
    return Order.objects.filter(shop=shop, platform=PLATFORM, external_id=str(external_id)).first()


def _text(value) -> str:
    return html.unescape(str(value or "")).strip()


# Orders --------------------------------------------------------------------------------


def _order(shop, p: dict, *, notify: bool) -> Result:
    data = order_data(p)
    order = services.save_order(shop, data, platform=PLATFORM, notify=notify)
    for listed in p.get("refunds") or []:
        # The order lists its refunds as {id, reason, total}; save those we lack. Their
        # own webhook (with lines) replaces the row later.
        if listed.get("id") and not order.refunds.filter(external_id=str(listed["id"])).exists():
            amount = abs(to_minor(listed.get("total"), order.currency))
            moment = data.updated_at or data.placed_at
            services.save_refund(
                order,
                RefundData(
                    external_id=str(listed["id"]),
                    created_at=moment,
                    paid_minor=amount,
                    note=_text(listed.get("reason")),
                    paid_at=moment,
                ),
                notify=notify,
            )
    return Result(saved_orders=[data.external_id])


def order_data(p: dict) -> OrderData:
    if p.get("id") in (None, ""):
        raise RecordError("order without id")
    currency = p.get("currency") or "SEK"
    billing = p.get("billing") or {}
    shipping = p.get("shipping") or {}
    address = shipping if shipping.get("postcode") or shipping.get("last_name") else billing
    shipping_lines = p.get("shipping_lines") or []
    lines = [_line(item, currency) for item in p.get("line_items") or []]
    return OrderData(
        external_id=str(p["id"]),
        number=str(p.get("number") or p["id"]),
        placed_at=to_datetime(p.get("date_created_gmt") or p.get("date_created")),
        updated_at=to_datetime(p.get("date_modified_gmt") or p.get("date_modified")),
        email=billing.get("email") or "",
        name=_text(" ".join(str(address.get(k) or "") for k in ("first_name", "last_name"))),
        phone=shipping.get("phone") or billing.get("phone") or "",
        postcode=digits(address.get("postcode")),
        country=address.get("country") or "",
        status=STATUS.get(p.get("status") or "", OrderStatus.PLACED),
        financial_status=p.get("status") or "",
        currency=currency,
        subtotal_minor=sum(line.total_minor for line in lines),
        shipping_minor=to_minor(
            to_decimal(p.get("shipping_total")) + to_decimal(p.get("shipping_tax")), currency
        ),
        discount_minor=to_minor(
            to_decimal(p.get("discount_total")) + to_decimal(p.get("discount_tax")), currency
        ),
        tax_minor=to_minor(p.get("total_tax"), currency),
        total_minor=to_minor(p.get("total"), currency),
        payment_method=_text(p.get("payment_method_title") or p.get("payment_method")),
        shipping_method=_text(shipping_lines[0].get("method_title")) if shipping_lines else "",
        shipping_code=str(shipping_lines[0].get("method_id") or "") if shipping_lines else "",
        lines=lines,
    )


def _line(item: dict, currency: str) -> LineData:
    # WooCommerce line totals exclude VAT whatever the shop displays; ours include it.
    quantity = int(item.get("quantity") or 0)
    total = to_decimal(item.get("total"))
    tax = to_decimal(item.get("total_tax"))
    subtotal = to_decimal(item.get("subtotal")) + to_decimal(item.get("subtotal_tax"))
    rate = (tax / total * 100).quantize(Decimal("0.01")) if total else None
    return LineData(
        external_id=str(item.get("id") or ""),
        sku=item.get("sku") or "",
        name=_text(item.get("name")),
        quantity=quantity,
        unit_price_minor=to_minor(subtotal / quantity if quantity else subtotal, currency),
        total_minor=to_minor(total + tax, currency),
        tax_minor=to_minor(tax, currency),
        vat_rate=rate,
    )


# Refunds -------------------------------------------------------------------------------


def _refund(shop, p: dict, *, notify: bool) -> Result:
    order_id = p.get("order_id") or _linked_order(p)
    if not order_id:
        raise RecordError("refund without its order (order_id or _links.up)")
    order = _find_order(shop, order_id)
    if order is None:
        return Result(waiting_for=str(order_id))
    services.save_refund(order, refund_data(order, p), notify=notify)
    return Result()


def _linked_order(p: dict) -> str:
    for link in (p.get("_links") or {}).get("up") or []:
        found = ORDER_LINK.search(str(link.get("href") or ""))
        if found:
            return found.group(1)
    return ""


def refund_data(order: Order, p: dict) -> RefundData:
    """Refund lines are negative in WooCommerce; `amount` is what was sent back. Lines
    worth more than the amount mean the shop kept the difference: a deduction."""
    currency = order.currency
    lines = [_refund_line(item, currency) for item in p.get("line_items") or []]
    sent = abs(to_minor(p.get("amount"), currency))
    paid = max(sum(line.amount_minor for line in lines), sent)
    created = to_datetime(p.get("date_created_gmt") or p.get("date_created")) or order.placed_at
    deductions = []
    if paid > sent:
        deductions.append(DeductionData(reason=DeductionReason.OTHER, amount_minor=paid - sent))
    return RefundData(
        external_id=str(p.get("id") or ""),
        created_at=created,
        currency=currency,
        paid_minor=paid,
        note=_text(p.get("reason")),
        paid_at=created,
        lines=lines,
        deductions=deductions,
    )


def _refund_line(item: dict, currency: str) -> RefundLineData:
    refunded_item = next(
        (
            str(m.get("value"))
            for m in item.get("meta_data") or []
            if m.get("key") == "_refunded_item_id"
        ),
        "",
    )
    amount = abs(to_decimal(item.get("total")) + to_decimal(item.get("total_tax")))
    return RefundLineData(
        description=_text(item.get("name")),
        amount_minor=to_minor(amount, currency),
        line_external_id=refunded_item,
        sku=item.get("sku") or "",
        quantity=abs(int(item.get("quantity") or 1)),
        tax_minor=abs(to_minor(item.get("total_tax"), currency)),
    )
