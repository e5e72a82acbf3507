"""The customer's order status page (rules O2, O4, O5, O6, O7, T3) and the lookup form
that hands out its signed link (order number + the email or postcode ordered with).

Both pages are public: the status page is opened by its signed token only, and the
lookup never says whether an order number exists."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.numbers import format_currency, get_currency_precision
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kundsvar.core import ratelimit
from kundsvar.core.embed import allow_framing
from kundsvar.core.language import (
    CUSTOMER_LANGUAGES,
    customer_language,
    promise_language,
    shop_languages,
)
from kundsvar.core.links import private, sign
from kundsvar.core.phones import tel_href
from kundsvar.shops.hours import hours_summary
from kundsvar.shops.models import Shop

from . import carriers, delivery
from .links import order_for_token, status_path
from .models import CommerceSettings, LineStatus, MessageKind, Order, OrderStatus

LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "da": "da_DK", "en": "en_GB"}
# "fredag 4 december", "fredag 4. desember": the weekday in full helps plan a delivery.
DAY_PATTERNS = {
    "sv_SE": "EEEE d MMMM",
    "nb_NO": "EEEE d. MMMM",
    "da_DK": "EEEE 'den' d. MMMM",
    "en_GB": "EEEE d MMMM",
}
LATEST_EVENTS = 3
NOT_FOUND = _(
    "We could not find an order with those details. Check the order number and "
    "use the email address or delivery postcode you gave when you ordered."
)


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=64)
    detail = forms.CharField(
        label=_("Email address or delivery postcode"),
        max_length=254,
        help_text=_("The one you gave when you ordered."),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().lstrip("#").strip()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _find_order(shop, number: str, detail: str) -> Order | None:
    """The shop's order with that number whose email or delivery postcode agrees."""
    detail = detail.strip()
    orders = Order.objects.select_related("shop").filter(shop=shop, number__iexact=number)
    if "@" in detail:
        return orders.filter(email__iexact=detail).first()
    postcode = _digits(detail)
    if not postcode:
        return None
    return next((o for o in orders if o.postcode and _digits(o.postcode) == postcode), None)


def _tried_too_often(request, shop, number: str) -> bool:
    """Counts this try against the client's address and against the order number
    (RATE_LIMITS["order_lookup"] in 15 minutes each); True once either is used up."""
    by_address = ratelimit.allow(request, "order_lookup")
    by_order = ratelimit.allow_key("order_lookup", f"order:{shop.pk}:{number.lower()}")
    return not (by_address and by_order)


def _embed(request) -> bool:
    return request.GET.get("embed") == "1"


def _carried_query(request, **extra) -> str:
    """The query that follows the customer from page to page: the widget's embed flag
    and a language they chose."""
    params = {}
    if _embed(request):
        params["embed"] = "1"
    if request.GET.get("lang") in CUSTOMER_LANGUAGES:
        params["lang"] = request.GET["lang"]
    params.update({key: value for key, value in extra.items() if value})
    return f"?{urlencode(params)}" if params else ""


def _contact_url(shop) -> str:
    return reverse("form:contact", args=[shop.slug])


def _public_response(response, request, shop):
    """The widget shows these pages in an iframe on the shop's own site."""
    return allow_framing(response, shop) if _embed(request) else response


# Without CSRF: the lookup changes nothing and shows the order only to whoever knows
# its details, and inside the widget's iframe on the shop's site the browser does not
# send our (SameSite) CSRF cookie, so a token check would refuse every customer there.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def lookup(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    form = LookupForm(request.POST or None)
    limited = False
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        limited = _tried_too_often(request, shop, number)
        order = None if limited else _find_order(shop, number, form.cleaned_data["detail"])
        if order is not None:
            return redirect(status_path(order) + _carried_query(request))
        if not limited:
            form.add_error(None, NOT_FOUND)  # the same words whether it exists or not
    with translation.override(language):
        response = render(
            request,
            "commerce/public/lookup.html",
            {
                "shop": shop,
                "languages": shop_languages(shop),
                "embed": _embed(request),
                "form": form,
                "limited": limited,
                "contact_url": _contact_url(shop),
                **_shop_contact(shop, language),
            },
            status=429 if limited else 200,
        )
    return _public_response(response, request, shop)


def _page_language(request, order) -> str:
    asked = request.GET.get("lang", "")
    if asked in CUSTOMER_LANGUAGES:
        return asked
    if order.language:
        return promise_language(order.language)
    return customer_language(request, order.shop)


@private()
@require_GET
def status(request, token):
    order = order_for_token(token)
    if order is None:
        raise Http404  # tampered, expired or deleted: reveal nothing
    language = _page_language(request, order)
    embed = _embed(request)
    with translation.override(language):
        context = status_context(order, language)
        ask = sign(
            "contact",
            {"shop": order.shop_id, "order": order.pk, "email": order.email, "name": order.name},
        )
        context.update(
            {
                "embed": embed,
                "languages": shop_languages(order.shop),
                "ask_url": _contact_url(order.shop) + _carried_query(request, t=ask, lang=language),
                "lookup_url": reverse("commerce:lookup", args=[order.shop.slug])
                + _carried_query(request),
            }
        )
        response = render(request, "commerce/public/status.html", context)
    return _public_response(response, request, order.shop)


# The page's content, formatted in the customer's language.


def _money(minor: int, currency: str, locale: str) -> str:
    amount = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(amount, currency, locale=locale)


def _day(value, locale: str) -> str:
    return format_date(value, DAY_PATTERNS[locale], locale=locale)


def _window(first, last, locale: str) -> str:
    if first and last and first != last:
        return format_interval(first, last, "MMMMd", locale=locale)
    return _day(first or last, locale) if (first or last) else ""


def _web_link(url: str) -> str:
    """A platform-sent link goes into an href: web links only."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _shop_contact(shop, language: str) -> dict:
    """T3: a person is always reachable, with the hours they answer."""
    return {
        "shop_tel": tel_href(shop.phone, shop.country),
        "shop_hours": hours_summary(shop.opening_hours.all(), language),
    }


def _line_rows(order, locale: str) -> list[dict]:
    return [
        {
            "name": line.name,
            "quantity": line.quantity,
            "status": line.status,
            "label": line.get_status_display(),
            "expected": _day(line.expected_at, locale)
            if line.status == LineStatus.WAITING and line.expected_at
            else "",
        }
        for line in order.lines.all()
    ]


def _parcel_rows(order, tz, locale: str) -> list[dict]:
    shipments = list(order.shipments.prefetch_related("events"))
    if not shipments:
        return []
    today = timezone.localdate(timezone=tz)
    known: dict[str, object] = {}
    rows = []
    for shipment in shipments:
        if shipment.carrier not in known:
            known[shipment.carrier] = carriers.carrier_for(shipment.carrier)
        carrier = known[shipment.carrier]
        link = _web_link(shipment.tracking_url) or (
            carriers.tracking_link(shipment.carrier, shipment.tracking_number)
            if shipment.tracking_number
            else ""
        )
        events = list(shipment.events.all())[-LATEST_EVENTS:][::-1]
        rows.append(
            {
                "carrier": shipment.carrier_name
                or getattr(carrier, "name", "")
                or shipment.carrier,
                "number": shipment.tracking_number,
                "link": link,
                "phone": getattr(carrier, "phone", ""),
                "tel": tel_href(getattr(carrier, "phone", ""), order.shop.country),
                "phone_hours": getattr(carrier, "phone_hours", ""),
                "status": shipment.status,
                "label": shipment.get_status_display(),
                "window": _window(shipment.expected_from, shipment.expected_to, locale),
                "delay": delivery.shipment_delay(shipment, today),
                "delivered": _day(shipment.delivered_at.astimezone(tz).date(), locale)
                if shipment.delivered_at
                else "",
                "events": [
                    {
                        "when": _moment(e.happened_at, tz, locale),
                        "text": e.description or e.get_status_display(),
                        "location": e.location,
                    }
                    for e in events
                ],
            }
        )
    return rows


def _moment(value, tz, locale: str) -> str:
    local = value.astimezone(tz)
    return (
        f"{format_skeleton('MMMd', local, locale=locale)} "
        f"{format_time(local, 'short', tzinfo=tz, locale=locale)}"
    )


def _return_rows(order, tz, locale: str) -> list[dict]:
    return [
        {
            "created": _day(ret.created_at.astimezone(tz).date(), locale),
            "received": _day(ret.received_at.astimezone(tz).date(), locale)
            if ret.received_at
            else "",
            "reason": ret.reason,
            "lines": [f"{rl.quantity} × {rl.line.name}" for rl in ret.lines.all()],
        }
        for ret in order.returns.prefetch_related("lines__line")
    ]


def _refund_rows(order, tz, locale: str) -> list[dict]:
    """O6: paid − each deduction (with the policy line behind it) = refunded."""
    rows = []
    for refund in order.refunds.prefetch_related("lines", "deductions"):
        rows.append(
            {
                "paid": _money(refund.paid_minor, refund.currency, locale),
                "items": [
                    {
                        "text": f"{line.quantity} × {line.description}",
                        "amount": _money(line.amount_minor, refund.currency, locale),
                    }
                    for line in refund.lines.all()
                ],
                "deductions": [
                    {
                        "label": d.label or d.get_reason_display(),
                        "amount": _money(d.amount_minor, refund.currency, locale),
                        "policy": d.policy_text,
                    }
                    for d in refund.deductions.all()
                ],
                "refunded": _money(refund.refunded_minor, refund.currency, locale),
                "method": refund.method,
                "paid_at": _day(refund.paid_at.astimezone(tz).date(), locale)
                if refund.paid_at
                else "",
            }
        )
    return rows


def _policy(order, locale: str) -> dict:
    """O7: the return policy and its fee, in plain words, always on the page."""
    shop_settings = CommerceSettings.objects.filter(shop=order.shop).first() or CommerceSettings(
        shop=order.shop
    )
    fee = shop_settings.return_shipping_fee_minor
    return {
        "days": shop_settings.return_days,
        "fee": _money(fee, order.currency, locale) if fee else "",
        "text": shop_settings.return_policy,
    }


def _christmas(shop, locale: str) -> list[dict]:
    today = timezone.localdate(timezone=shop.tz)
    return [
        {"method": method.name, "date": _day(last_day, locale), "passed": passed}
        for method, last_day, passed in delivery.christmas_deadlines(shop, today)
    ]


def status_context(order, language: str) -> dict:
    """Everything the status page shows about `order`, in `language` (O1, O2, O6, O7)."""
    shop, locale, tz = order.shop, LOCALES[language], order.shop.tz
    finished = order.status in {
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
        OrderStatus.RETURNED,
        OrderStatus.REFUNDED,
    }
    return {
        "shop": shop,
        "order": order,
        "status_label": order.get_status_display(),
        "placed": format_date(order.placed_at.astimezone(tz).date(), "long", locale=locale),
        "window": "" if finished else _window(order.expected_from, order.expected_to, locale),
        "delay": ""
        if finished
        else delivery.delay_state(
            order.expected_from,
            order.expected_to,
            timezone.localdate(timezone=tz),
            told=order.messages.filter(kind=MessageKind.DELAYED).exists(),
        ),
        "lines": _line_rows(order, locale),
        "parcels": _parcel_rows(order, tz, locale),
        "returns": _return_rows(order, tz, locale),
        "refunds": _refund_rows(order, tz, locale),
        "policy": _policy(order, locale),
        "christmas": _christmas(shop, locale),
        **_shop_contact(shop, language),
    }
