"""What a logged-in shopper sees without asking: their recent orders, each item's status,
parcels, returns and refunds, and one line about the latest order (rules O1, O2, O7)."""

from django.utils.translation import gettext as _

from kundsvar.commerce.links import status_path
from kundsvar.commerce.models import Order
from kundsvar.commerce.views import status_context

from .models import OrderStatusView
from .services import CONTACT_WINDOW

RECENT_ORDERS = 5


def recent_orders(shop, email: str, limit: int = RECENT_ORDERS) -> list[Order]:
    return list(
        Order.objects.filter(shop=shop, email__iexact=email)
        .select_related("shop")
        .prefetch_related("lines")
        .order_by("-placed_at")[:limit]
    )


def order_cards(orders: list[Order], language: str) -> list[dict]:
    """One card per order: the status page's content plus its signed link."""
    return [
        {**status_context(order, language), "status_url": status_path(order)} for order in orders
    ]


def latest_line(card: dict) -> str:
    """ "Order 1042: Shipped, expected 10–11 December": the answer before the question."""
    text = _("Order %(number)s: %(status)s") % {
        "number": card["order"].number,
        "status": card["status_label"],
    }
    if card["window"]:
        text += ", " + _("expected %(window)s") % {"window": card["window"]}
    return text


def order_view_totals(shop, since, now) -> dict:
    """K3 for the order status a logged-in shopper saw: of the views old enough to tell
    (CONTACT_WINDOW), how many were not followed by a question."""
    settled = OrderStatusView.objects.filter(
        shop=shop, viewed_at__gte=since, viewed_at__lt=now - CONTACT_WINDOW
    )
    views = settled.count()
    contacted = settled.filter(contacted_at__isnull=False).count()
    return {
        "views": views,
        "contacted": contacted,
        "deflected": views - contacted,
        "rate": round(100 * (views - contacted) / views) if views else None,
    }
