"""One function per proactive order email (rules O1, O3–O6, O8 in docs/rules.md).

Each renders `emails/order_<kind>_subject.txt`, `.txt` and `.html` in the customer's
language, from the shop's customer-service address with Reply-To the same address, so
that an answer becomes a case (A3). The subject names the shop and what it is about
(A2). These are not automatic replies to anything the customer sent, so they carry no
Auto-Submitted header. Every one gives the shop's phone number: a person is reachable
(T3).
"""

import email.policy
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from babel.numbers import format_currency, get_currency_precision
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundsvar.core.language import babel_locale, promise_language
from kundsvar.core.links import absolute
from kundsvar.shops.hours import hours_summary

from . import carriers, delivery, links
from .models import CommerceSettings, LineStatus, MessageKind, OrderLine


def order_language(order) -> str:
    """The order's language, else the customer's, else the shop's (sv/nb/da/en)."""
    customer = order.customer if order.customer_id else None
    return promise_language(
        order.language or (customer.language if customer else "") or order.shop.language
    )


def order_address(order) -> str:
    """Where order messages go: the order's address, else the customer's first one."""
    if order.email:
        return order.email
    return order.customer.primary_email if order.customer_id else ""


def money(minor: int, currency: str, language: str) -> str:
    """80,00 kr — in the customer's locale."""
    amount = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(amount, currency, locale=babel_locale(language))


def _window(first: date | None, last: date | None, language: str) -> str:
    if first is None or last is None:
        return ""
    return delivery.format_window(first, last, language)


def _faq_url(shop) -> str:
    return absolute(reverse("knowledge:faq", args=[shop.slug]))


def _christmas(order, language: str) -> list[dict]:
    """O5: in the season, the last order dates still ahead."""
    today = timezone.localdate(timezone=order.shop.tz)
    return [
        {"method": method.name, "date": delivery.format_day(day, language)}
        for method, day, passed in delivery.christmas_deadlines(order.shop, today)
        if not passed
    ]


def _base_context(order, language: str) -> dict:
    shop = order.shop
    return {
        "shop": shop,
        "order": order,
        "customer_name": order.name.split()[0] if order.name.strip() else "",
        "status_url": links.order_status_url(order),
        "opening_hours": hours_summary(shop.opening_hours.all(), language),
        "christmas": _christmas(order, language),
    }


def _lines(lines, language: str, currency: str) -> list[dict]:
    return [
        {
            "name": line.name,
            "quantity": line.quantity,
            "total": money(line.total_minor, currency, language),
            "expected": delivery.format_day(line.expected_at, language) if line.expected_at else "",
        }
        for line in lines
    ]


def _build(order, kind: str, make_context, *, to: str) -> EmailMessage:
    """Render the three templates of `order_<kind>` inside the customer's language."""
    language = order_language(order)
    with translation.override(language):
        context = {**_base_context(order, language), **make_context(language)}
        subject = render_to_string(f"emails/order_{kind}_subject.txt", context)
        text = render_to_string(f"emails/order_{kind}.txt", context)
        html = render_to_string(f"emails/order_{kind}.html", context)
    shop = order.shop
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr((shop.name, shop.email))
    message["To"] = formataddr((order.name, to)) if order.name else to
    message["Reply-To"] = formataddr((shop.name, shop.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(f"o{order.pk}.{kind}", domain=shop.email.rpartition("@")[2])
    # Lets an answer be matched to the order (C4) even when the subject was changed.
    message["X-Kundsvar-Order"] = order.number
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


# -- one function per email ---------------------------------------------------------


def order_confirmed(order, *, to: str) -> EmailMessage:
    """O1, O3: what was ordered and when it is expected."""

    def context(language):
        first, last = order.expected_from, order.expected_to
        if first is None or last is None:
            first, last = delivery.order_window(order)
        return {
            "lines": _lines(order.lines.all(), language, order.currency),
            "total": money(order.total_minor, order.currency, language),
            "window": _window(first, last, language),
        }

    return _build(order, "confirmed", context, to=to)


def order_waiting(order, *, to: str) -> EmailMessage:
    """O1: which items wait for goods, and the new expected delivery."""

    def context(language):
        waiting = order.lines.filter(status=LineStatus.WAITING)
        first, last = delivery.order_window(order)
        return {
            "lines": _lines(waiting, language, order.currency),
            "window": _window(first, last, language),
        }

    return _build(order, "waiting", context, to=to)


def _parcel(shipment, language: str) -> dict:
    """O4: carrier, tracking number and link, and the carrier's phone."""
    carrier = carriers.carrier_for(shipment.carrier) if shipment.carrier else None
    link = shipment.tracking_url
    if not link and shipment.carrier and shipment.tracking_number:
        link = carriers.tracking_link(shipment.carrier, shipment.tracking_number)
    first, last = shipment.expected_from, shipment.expected_to
    if first is None or last is None:
        first, last = delivery.shipment_window(shipment)
    line_ids = [sl.line_id for sl in shipment.lines.all()]
    return {
        "carrier": shipment.carrier_name or (carrier.name if carrier else shipment.carrier),
        "number": shipment.tracking_number,
        "link": link,
        "carrier_phone": carrier.phone if carrier else "",
        "carrier_hours": carrier.phone_hours if carrier else "",
        "window": _window(first, last, language),
        "lines": _lines(
            OrderLine.objects.filter(pk__in=line_ids), language, shipment.order.currency
        ),
    }


def order_shipped(order, shipment, *, to: str) -> EmailMessage:
    return _build(order, "shipped", lambda language: {"parcel": _parcel(shipment, language)}, to=to)


def order_delayed(order, shipment, *, to: str) -> EmailMessage:
    """O1: the window has passed without delivery; say so before they ask. About one
    parcel, or (`shipment` None) about an order that has not left the warehouse yet."""

    def context(language):
        if shipment is None:
            first = order.expected_from or order.expected_to
            return {"window": _window(first, order.expected_to, language)}
        return {"parcel": _parcel(shipment, language)}

    return _build(order, "delayed", context, to=to)


def _returns(order) -> dict:
    settings = CommerceSettings.for_shop(order.shop)
    return {"return_days": settings.return_days, "return_policy": settings.return_policy}


def order_delivered(order, shipment, *, to: str) -> EmailMessage:
    def context(language):
        return {"parcel": _parcel(shipment, language), **_returns(order)}

    return _build(order, "delivered", context, to=to)


def return_received(order, ret, *, to: str) -> EmailMessage:
    """O6: the return arrived; the money follows."""

    def context(language):
        lines = [
            {"name": rl.line.name, "quantity": rl.quantity}
            for rl in ret.lines.select_related("line")
        ]
        return {"lines": lines, **_returns(order)}

    return _build(order, "return_received", context, to=to)


def _lower_first(label: str) -> str:
    # "Returfrakt" reads "returfrakt" mid-sentence; "DHL-avgift" keeps its capitals.
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def refund_breakdown(refund, language: str) -> dict:
    """O6: "Betalt 80,00 kr − returfrakt 59,00 kr = återbetalt 21,00 kr", and the policy
    line for each deduction. Call inside the customer's language."""
    currency = refund.currency

    def fmt(minor):
        return money(minor, currency, language)

    deductions = [
        {
            "label": d.label or d.get_reason_display(),
            "amount": fmt(d.amount_minor),
            "policy": d.policy_text,
        }
        for d in refund.deductions.all()
    ]
    parts = [_("Paid %(amount)s") % {"amount": fmt(refund.paid_minor)}]
    parts += [f"− {_lower_first(str(d['label']))} {d['amount']}" for d in deductions]
    parts.append("= " + _("refunded %(amount)s") % {"amount": fmt(refund.refunded_minor)})
    return {
        "equation": " ".join(parts),
        "deductions": deductions,
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "amount": fmt(line.amount_minor),
            }
            for line in refund.lines.all()
        ],
        "paid": fmt(refund.paid_minor),
        "refunded": fmt(refund.refunded_minor),
        "method": refund.method,
    }


def refund_paid(order, refund, *, to: str) -> EmailMessage:
    return _build(
        order, "refund_paid", lambda language: {"refund": refund_breakdown(refund, language)}, to=to
    )


def check_in(order, *, to: str) -> EmailMessage:
    """O8: a few days after delivery — is all well, and help with the product."""

    def context(language):
        lines = order.lines.exclude(status__in=[LineStatus.CANCELLED, LineStatus.RETURNED])
        return {
            "lines": _lines(lines, language, order.currency),
            "faq_url": _faq_url(order.shop),
            **_returns(order),
        }

    return _build(order, "check_in", context, to=to)


BUILDERS = {
    MessageKind.CONFIRMED: lambda order, obj, to: order_confirmed(order, to=to),
    MessageKind.WAITING: lambda order, obj, to: order_waiting(order, to=to),
    MessageKind.SHIPPED: lambda order, obj, to: order_shipped(order, obj, to=to),
    MessageKind.DELAYED: lambda order, obj, to: order_delayed(order, obj, to=to),
    MessageKind.DELIVERED: lambda order, obj, to: order_delivered(order, obj, to=to),
    MessageKind.RETURN_RECEIVED: lambda order, obj, to: return_received(order, obj, to=to),
    MessageKind.REFUND_PAID: lambda order, obj, to: refund_paid(order, obj, to=to),
    MessageKind.CHECK_IN: lambda order, obj, to: check_in(order, to=to),
}
