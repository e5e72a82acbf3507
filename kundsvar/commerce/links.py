"""Signed links to a customer's order status page (rule O2).

The link is the customer's key to the page: anyone holding it sees the order, so it is
signed (it cannot be guessed or edited into another order's link) and expires. It goes
out in every order message and acknowledgement; the lookup form hands out a fresh one.
"""

from urllib.parse import urlencode

from django.urls import reverse

from kundsvar.core.links import absolute, sign, unsign

from .models import Order

PURPOSE = "order"
# Long enough to cover delivery, the return period and a late refund.
STATUS_LINK_DAYS = 120


def status_token(order) -> str:
    return sign(PURPOSE, {"shop": order.shop_id, "order": order.pk})


def status_path(order) -> str:
    return reverse("commerce:status", args=[status_token(order)])


def order_status_url(order, language: str = "") -> str:
    """An absolute, signed, expiring link to the order's status page; in `language`
    (the case's, from a case's email) rather than the order's or the browser's."""
    query = f"?{urlencode({'lang': language})}" if language else ""
    return absolute(status_path(order)) + query


def order_for_token(token: str) -> Order | None:
    """The order a status link points at; None when tampered, expired or gone."""
    data = unsign(PURPOSE, token, max_age_days=STATUS_LINK_DAYS)
    if data is None:
        return None
    return (
        Order.objects.select_related("shop")
        .filter(pk=data.get("order"), shop_id=data.get("shop"))
        .first()
    )
