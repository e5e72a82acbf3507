"""What the agent sees beside the conversation (rules C4, T3, R6) and what the
customer's acknowledgement says about their order (rule A5).

The agent panel shows how the case was linked to an order (the reasons and the
confidence), one click to confirm, change or reject the link, and the customer's orders:
lines, parcels with live tracking, returns and refunds item by item, and the proactive
messages already sent. The acknowledgement shows an order only when `certain_order`
proves it is the customer's own.
"""

from datetime import date
from urllib.parse import quote

from babel.dates import format_date
from babel.numbers import format_currency
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kundsvar.core.language import promise_language
from kundsvar.customers.models import CustomerEmail

from . import carriers, delivery
from .links import order_status_url
from .matching import certain_from, certain_order, ranked_links, shop_has_orders
from .models import (
    Carrier,
    CaseOrder,
    MatchState,
    MessageKind,
    Order,
    OrderStatus,
    Refund,
    Return,
    ReturnLine,
    Shipment,
    ShipmentStatus,
)

PANEL_ORDERS = 10

# Reason codes from matching (and link_confirmed), translated when shown.
REASONS = {
    "order_number": _("order number in the message"),
    "tracking_number": _("tracking number in the message"),
    "email": _("same email address as the order"),
    "customer": _("already the customer's order"),
    "phone": _("same phone number as the order"),
    "postcode": _("same postcode as the order"),
    "name": _("same name as the order"),
    "agent": _("confirmed by an agent"),
    "form": _("the customer's own signed link"),
}

# The order's status in words for the customer (rule A5).
STATUS_WORDS = {
    OrderStatus.PLACED: _("We have received your order %(number)s."),
    OrderStatus.CONFIRMED: _("Your order %(number)s is confirmed and being prepared."),
    OrderStatus.WAITING: _("Your order %(number)s is waiting for goods from our supplier."),
    OrderStatus.PARTLY_SHIPPED: _("Part of your order %(number)s has been sent."),
    OrderStatus.SHIPPED: _("Your order %(number)s has been sent."),
    OrderStatus.DELIVERED: _("Your order %(number)s has been delivered."),
    OrderStatus.CANCELLED: _("Your order %(number)s has been cancelled."),
    OrderStatus.RETURNED: _("Your order %(number)s has been returned to us."),
    OrderStatus.REFUNDED: _("Your order %(number)s has been refunded."),
}
FINISHED = {
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
    OrderStatus.RETURNED,
    OrderStatus.REFUNDED,
}

_LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "da": "da_DK", "en": "en_GB"}
# Day and month, as each language writes them ("26 november", "26. november").
_DAY_MONTH = {"sv": "d MMMM", "nb": "d. MMMM", "da": "d. MMMM", "en": "d MMMM"}
_DAY = {"sv": "d", "nb": "d.", "da": "d.", "en": "d"}


def _locale(language: str | None = None) -> tuple[str, str]:
    code = promise_language(language or translation.get_language())
    return code, _LOCALES[code]


def money(minor: int, currency: str, language: str | None = None) -> str:
    _code, locale = _locale(language)
    return format_currency(minor / 100, currency or "SEK", locale=locale)


def window_text(first: date | None, last: date | None, language: str | None = None) -> str:
    """ "26–28 november"; "30 november – 2 december"; one day alone when they agree."""
    first, last = first or last, last or first
    if first is None:
        return ""
    code, locale = _locale(language)
    day_month = _DAY_MONTH[code]
    if first == last:
        return format_date(first, day_month, locale=locale)
    if (first.year, first.month) == (last.year, last.month):
        return (
            f"{format_date(first, _DAY[code], locale=locale)}–"
            f"{format_date(last, day_month, locale=locale)}"
        )
    return (
        f"{format_date(first, day_month, locale=locale)} – "
        f"{format_date(last, day_month, locale=locale)}"
    )


# How sure an automatic match is, in words. "Certain" only for a link proven to be the
# customer's with strong evidence; a proven owner alone (their address, no number) can
# still be another of their orders than the one the message is about.
CERTAIN_FROM = 80
LIKELY_FROM = 60


def match_words(link: CaseOrder) -> tuple[str, str]:
    """(badge, note) for the agent: "Possible match, 50%" and what "certain" means here."""
    if link.certain and link.confidence >= CERTAIN_FROM:
        label = _("Certain match, %(confidence)s%%")
    elif link.confidence >= LIKELY_FROM:
        label = _("Likely match, %(confidence)s%%")
    else:
        label = _("Possible match, %(confidence)s%%")
    if not link.certain:
        note = _("Not proven to be the customer's: not shown to the customer")
    elif link.state == MatchState.CONFIRMED or link.confidence >= CERTAIN_FROM:
        note = _("Proven to be this customer's order")
    else:
        note = _("The customer's own order, but perhaps not the one the message is about")
    return str(label) % {"confidence": link.confidence}, str(note)


def reason_labels(codes: list[str]) -> list[str]:
    return [str(REASONS.get(code, code)) for code in codes]


def tracking_url(shipment: Shipment, carrier: Carrier | None) -> str:
    """The platform's own link, else the carrier's page for this number (rule O4).

    The same rules as `carriers.tracking_link` (the admin's template, else the registry's;
    only web links; the number quoted), from a Carrier row already loaded, so a panel
    with many parcels costs no query per parcel."""
    own = (shipment.tracking_url or "").strip()
    if own.lower().startswith(("https://", "http://")):
        return own
    number = carriers.normalize(shipment.tracking_number)
    if not number or not shipment.carrier:
        return ""
    entry = carriers.registry_entry(shipment.carrier)
    template = (
        (carrier.tracking_url if carrier else "") or (entry.tracking_url if entry else "")
    ).strip()
    if not template.lower().startswith(("https://", "http://")):
        return ""
    return template.replace("{number}", quote(number, safe=""))


def _carriers(shipments) -> dict[str, Carrier]:
    codes = {s.carrier for s in shipments if s.carrier}
    return {c.code: c for c in Carrier.objects.filter(code__in=codes)} if codes else {}


# ---- the agent's panel -------------------------------------------------------------


def _orders(case, links: list[CaseOrder], addresses: list[str]) -> list[Order]:
    """The customer's orders (by customer or by any of their addresses) and every order
    linked to the case, newest first, with everything the panel shows prefetched."""
    wanted = Q(customer_id=case.customer_id) | Q(pk__in=[link.order_id for link in links])
    for address in addresses:
        wanted |= Q(email__iexact=address)
    returns = Return.objects.prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("line"))
    )
    refunds = Refund.objects.prefetch_related("lines", "deductions")
    return list(
        Order.objects.filter(wanted, shop_id=case.shop_id)
        .order_by("-placed_at", "-id")
        .prefetch_related(
            "lines",
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related("events")),
            Prefetch("returns", queryset=returns),
            Prefetch("refunds", queryset=refunds),
            "messages",
        )[:PANEL_ORDERS]
    )


def _decorate(orders: list[Order], today: date) -> None:
    """Formatted money, tracking links, last events and whether a window is over (the
    agent tells the story the delay email told), ready for the template."""
    carriers = _carriers([s for o in orders for s in o.shipments.all()])
    for order in orders:
        order.total_display = money(order.total_minor, order.currency)
        order.delay = (
            ""
            if order.status in FINISHED
            else delivery.delay_state(
                order.expected_from,
                order.expected_to,
                today,
                told=any(m.kind == MessageKind.DELAYED for m in order.messages.all()),
            )
        )
        order.parcels = []
        for shipment in order.shipments.all():
            carrier = carriers.get(shipment.carrier)
            events = list(shipment.events.all())
            shipment.link = tracking_url(shipment, carrier)
            shipment.carrier_row = carrier
            # The name as the platform sent it wins; a carrier we have no row for
            # (Shopify's free-text tracking_company) has no name or phone of ours.
            shipment.carrier_label = (
                shipment.carrier_name or getattr(carrier, "name", "") or shipment.carrier
            )
            shipment.last_event = events[-1] if events else None
            shipment.delay = delivery.shipment_delay(shipment, today)
            order.parcels.append(shipment)
        for refund in order.refunds.all():
            refund.paid_display = money(refund.paid_minor, refund.currency)
            refund.refunded_display = money(refund.refunded_minor, refund.currency)
            for deduction in refund.deductions.all():
                deduction.amount_display = money(deduction.amount_minor, refund.currency)
            for line in refund.lines.all():
                line.amount_display = money(line.amount_minor, refund.currency)


def panel_context(case, *, error: str = "") -> dict:
    all_links = list(CaseOrder.objects.filter(case=case).select_related("order"))
    live = ranked_links(case, all_links)
    rejected = [link for link in all_links if link.state == MatchState.REJECTED]
    addresses = [
        a.lower()
        for a in CustomerEmail.objects.filter(customer_id=case.customer_id).values_list(
            "address", flat=True
        )
    ]
    orders = _orders(case, live, addresses)
    _decorate(orders, timezone.localdate(timezone=case.shop.tz))
    for link in live:
        link.reason_labels = reason_labels(link.reasons)
        link.badge, link.note = match_words(link)
    certain = certain_from(case, live)
    confirmed = next((link.order_id for link in live if link.state == MatchState.CONFIRMED), None)
    return {
        "case": case,
        "links": live,
        "rejected": rejected,
        "orders": orders,
        "certain": certain,
        "confirmed_id": confirmed,
        "error": error,
        "open_id": confirmed
        or (certain.pk if certain else None)
        or (orders[0].pk if orders else None),
    }


def render_panel(case, *, error: str = "") -> str:
    return render_to_string("commerce/agent/panel.html", panel_context(case, error=error))


def customer_panel(case, agent) -> str | None:
    """Registered in workspace.panels.CUSTOMER_PANELS: the case view shows it by itself (T3).
    Nothing for a shop that has no orders at all (it sells elsewhere)."""
    if not Order.objects.filter(shop_id=case.shop_id).exists():
        return None
    return render_panel(case)


# ---- the acknowledgement -----------------------------------------------------------


def order_summary(order: Order, language: str) -> dict:
    """The order as the customer may see it: status in words, the delivery window of
    what is still on its way, and the parcels' tracking links."""
    shipments = list(order.shipments.all())
    carriers = _carriers(shipments)
    parcels = [
        {
            "carrier": s.carrier_name or getattr(carriers.get(s.carrier), "name", "") or s.carrier,
            "number": s.tracking_number,
            "url": tracking_url(s, carriers.get(s.carrier)),
            "phone": getattr(carriers.get(s.carrier), "phone", ""),
        }
        for s in shipments
        if s.tracking_number
    ]
    window, delay = "", ""
    if order.status not in FINISHED:
        moving = [
            s
            for s in shipments
            if s.delivered_at is None
            and s.status != ShipmentStatus.DELIVERED
            and (s.expected_from or s.expected_to)
        ]
        if moving:
            first = min(s.expected_from or s.expected_to for s in moving)
            last = max(s.expected_to or s.expected_from for s in moving)
            told = any(s.delay_notified_at for s in moving)
        else:
            first, last = order.expected_from, order.expected_to
            told = order.messages.filter(kind=MessageKind.DELAYED).exists()
        window = window_text(first, last, language)
        # The same story as the delay email and the order page: never a window that is over.
        delay = delivery.delay_state(
            first, last, timezone.localdate(timezone=order.shop.tz), told=told
        )
    words = STATUS_WORDS.get(order.status, STATUS_WORDS[OrderStatus.PLACED])
    return {
        "order": order,
        "status_words": words % {"number": order.number},
        "window": window,
        "delay": delay,
        "parcels": parcels,
        "status_url": order_status_url(order, language),
    }


def ack_section(case, inbound) -> dict | None:
    """Registered in ACK_SECTIONS (rule A5): only a certain order, never a guess."""
    order = certain_order(case) if shop_has_orders(case.shop_id) else None
    if order is None:
        return None
    language = promise_language(case.language)
    with translation.override(language):
        context = order_summary(order, language)
        text = render_to_string("commerce/ack/order.txt", context)
        html = render_to_string("commerce/ack/order.html", context)
    return {"text": text.strip(), "html": html}


def reply_links(case) -> list[dict]:
    """Registered in REPLY_LINKS: every reply about a proven order links its status page."""
    order = certain_order(case)
    url = order_status_url(order, promise_language(case.language)) if order else ""
    if not url:
        return []
    label = _("Your order %(number)s, item by item:") % {"number": order.number}
    return [{"label": label, "url": url}]


# ---- saved replies -----------------------------------------------------------------


def saved_reply_variables(case) -> dict:
    """{order_number}, {order_status}, {tracking_link}, {carrier}, {carrier_phone} and
    {expected_delivery} for `workspace.saved_replies`, in the case's language. Empty when no
    order is proven the customer's, and without the ones the order does not have."""
    order = certain_order(case)
    if order is None:
        return {}
    language = promise_language(case.language)
    with translation.override(language):
        summary = order_summary(order, language)
        status = str(order.get_status_display())
    parcels = summary["parcels"]
    parcel = next((p for p in reversed(parcels) if p["url"]), parcels[-1] if parcels else {})
    values = {
        "order_number": order.number,
        "order_status": status,
        # A window that is over is no answer: left in braces for the agent.
        "expected_delivery": "" if summary["delay"] == "late" else summary["window"],
        "tracking_link": parcel.get("url", ""),
        "carrier": parcel.get("carrier", ""),
        "carrier_phone": parcel.get("phone", ""),
    }
    return {name: value for name, value in values.items() if value}
