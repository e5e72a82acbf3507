"""Process stored shop-platform webhooks again that failed (after a fix, or because
WooCommerce never retries). Receipts still waiting for their order are left alone."""

from django.core.management.base import BaseCommand
from django.db.models import Q

from kundsvar.commerce.connectors import inbox, shopify, woocommerce
from kundsvar.commerce.models import WebhookReceipt

HANDLERS = {shopify.PLATFORM: shopify.handle, woocommerce.PLATFORM: woocommerce.handle}


class Command(BaseCommand):
    help = "Process failed shop-platform webhooks again (their raw bodies are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="only this shop (slug)")
        parser.add_argument("--rejected", action="store_true",
                            help="also those rejected as unreadable (after a fix in the code)")

    def handle(self, *args, shop=None, rejected=False, **options):
        wanted = Q(error__startswith=inbox.FAILED)
        if rejected:
            wanted |= Q(error__startswith=inbox.REJECTED)
        receipts = (WebhookReceipt.objects.select_related("shop")
                    .filter(wanted, processed_at__isnull=True).order_by("received_at", "id"))
        if shop:
            receipts = receipts.filter(shop__slug=shop)
        counts = inbox.reprocess(list(receipts), HANDLERS, rejected=rejected)
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Reprocessed: {summary or 'nothing to do'}")
