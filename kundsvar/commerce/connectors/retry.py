"""Stored webhooks that failed, tried again: by the worker every quarter of an hour
(WooCommerce never retries on its own) and by `kundsvar reprocess-webhooks`."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from kundsvar.commerce.models import WebhookReceipt

from . import inbox, shopify, woocommerce

HANDLERS = {shopify.PLATFORM: shopify.handle, woocommerce.PLATFORM: woocommerce.handle}
# Shopify retries by itself for 48 hours; leave it a head start before the worker does.
GRACE = timedelta(minutes=15)
BATCH = 200


def failed_receipts(*, shop: str | None = None, rejected: bool = False):
    wanted = Q(error__startswith=inbox.FAILED)
    if rejected:
        wanted |= Q(error__startswith=inbox.REJECTED)
    receipts = (
        WebhookReceipt.objects.select_related("shop")
        .filter(wanted, processed_at__isnull=True)
        .order_by("received_at", "id")
    )
    return receipts.filter(shop__slug=shop) if shop else receipts


def retry(receipts, *, rejected: bool = False) -> dict[str, int]:
    return inbox.reprocess(list(receipts), HANDLERS, rejected=rejected)


def retry_due(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return retry(failed_receipts().filter(received_at__lte=now - GRACE)[:BATCH])
