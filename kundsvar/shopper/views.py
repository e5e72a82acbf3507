"""The logged-in shopper's pages: "My orders" (inside the help widget's frame, or linked
from the shop's "My account"), and the one-line latest-order status the widget can show
on any of the shop's pages (rules O1, O2, O7, K3).

Both take the shop's signed identity (identity.PARAMS) or the prefill token made from it
(`t`); without either the visitor is anonymous and sees how to look an order up."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from kundsvar.core import links
from kundsvar.core.embed import allow_framing, frame_ancestors
from kundsvar.core.language import customer_language, shop_languages
from kundsvar.shops.models import Shop

from . import queries, services


def shopper_for(request, shop, now=None):
    """The verified shopper of this request: the shop's signature in the query, else our
    own prefill token `t` made from it. None for an anonymous visitor."""
    now = now or timezone.now()
    shopper = services.shopper_from_request(shop, request.GET, now)
    if shopper is not None:
        return shopper
    token = request.GET.get("t", "")
    data = links.unsign(services.TOKEN_PURPOSE, token, max_age_days=8) if token else None
    if not data or data.get("shop") != shop.pk:
        return None
    return services.verified_in(data, str(data.get("email", "")), now)


def _ask_url(shop, shopper, order, language: str, embed: bool) -> str:
    params = {"lang": language, "t": services.token_for(shop, shopper, order)}
    if embed:
        params["embed"] = "1"
    return f"{reverse('form:contact', args=[shop.slug])}?{urlencode(params)}"


@require_GET
def my_orders(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    embed = request.GET.get("embed") == "1"
    shopper = shopper_for(request, shop)
    cards: list[dict] = []
    if shopper is not None:
        orders = queries.recent_orders(shop, shopper.email)
        with translation.override(language):
            cards = queries.order_cards(orders, language)
        for card in cards:
            card["ask_url"] = _ask_url(shop, shopper, card["order"], language, embed)
        if cards:
            services.record_order_view(shop, shopper.email)
    with translation.override(language):
        response = render(
            request,
            "shopper/my_orders.html",
            {
                "shop": shop,
                "languages": shop_languages(shop),
                "embed": embed,
                "shopper": shopper,
                "cards": cards,
                "lang": language,
                "lookup_url": reverse("commerce:lookup", args=[shop.slug])
                + f"?{urlencode({'lang': language, **({'embed': '1'} if embed else {})})}",
            },
        )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return allow_framing(response, shop) if embed else response


@require_GET
def latest(request, shop):
    """JSON for the widget script on the shop's pages: {"line", "url"} about the shopper's
    latest order when the shop has the line switched on, else {}. Read from the shop's
    own site, so it answers that origin (CORS) and nobody else's."""
    shop = get_object_or_404(Shop, slug=shop)
    settings = services.settings_for(shop)
    shopper = shopper_for(request, shop) if settings.latest_order_line else None
    body: dict = {}
    if shopper is not None:
        orders = queries.recent_orders(shop, shopper.email, limit=1)
        if orders:
            language = customer_language(request, shop)
            with translation.override(language):
                card = queries.order_cards(orders, language)[0]
                params = {"lang": language, "embed": "1", "t": services.token_for(shop, shopper)}
                body = {
                    "line": queries.latest_line(card),
                    "url": f"{reverse('shopper:my_orders', args=[shop.slug])}?{urlencode(params)}",
                }
            services.record_order_view(shop, shopper.email)
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    origin = request.headers.get("Origin", "")
    allowed = frame_ancestors(shop).split()
    if origin and (allowed == ["*"] or origin in allowed):
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response
