"""kundsvar gdpr export CUSTOMER_ID [--output FILE]   everything about a customer, as a ZIP
kundsvar gdpr erase CUSTOMER_ID --yes                anonymise the customer (no undo)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kundsvar.customers.models import Customer
from kundsvar.ops import gdpr


class Command(BaseCommand):
    help = "Export or erase one customer's personal data (GDPR)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("customer", type=int, help="the customer's id")
        parser.add_argument("--output", "-o", help="ZIP file to write (export)")
        parser.add_argument("--yes", action="store_true", help="really erase")

    def handle(self, *args, action, customer, output=None, yes=False, **options):
        try:
            found = Customer.objects.get(pk=customer)
        except Customer.DoesNotExist:
            raise CommandError(f"No customer {customer}.") from None
        if action == "export":
            path = Path(output or f"customer-{found.pk}.zip")
            path.write_bytes(gdpr.export(found))
            gdpr.log_access(found, None, "export")
            self.stdout.write(f"Wrote {path}")
            return
        if not yes:
            raise CommandError("Erasing cannot be undone: add --yes.")
        counts = gdpr.erase(found)
        self.stdout.write("Erased: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
