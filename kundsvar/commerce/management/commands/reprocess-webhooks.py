"""Process stored shop-platform webhooks again that failed (after a fix, or because
WooCommerce never retries). Receipts still waiting for their order are left alone."""

from django.core.management.base import BaseCommand

from kundsvar.commerce.connectors import retry


class Command(BaseCommand):
    help = "Process failed shop-platform webhooks again (their raw bodies are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="only this shop (slug)")
        parser.add_argument(
            "--rejected",
            action="store_true",
            help="also those rejected as unreadable (after a fix in the code)",
        )

    def handle(self, *args, shop=None, rejected=False, **options):
        receipts = retry.failed_receipts(shop=shop, rejected=rejected)
        counts = retry.retry(receipts, rejected=rejected)
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Reprocessed: {summary or 'nothing to do'}")
