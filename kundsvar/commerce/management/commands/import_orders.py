from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kundsvar.commerce.connectors.importer import import_file
from kundsvar.shops.models import Shop


class Command(BaseCommand):
    help = (
        "Import orders from a CSV file (one row per order line) or a JSON list of "
        "orders; see docs/import-orders.md. Bad rows are listed by line number and "
        "skipped, good rows are kept; the exit code is 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--shop", required=True, help="the shop's short name (slug)")
        parser.add_argument(
            "--notify",
            action="store_true",
            help="send the proactive order messages (default: import quietly)",
        )

    def handle(self, *args, file, shop, notify, **options):
        try:
            target = Shop.objects.get(slug=shop)
        except Shop.DoesNotExist:
            raise CommandError(f"No shop called {shop!r}.") from None
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        result = import_file(target, file, notify=notify)
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"Imported into {target}: {result.orders} orders, "
            f"{result.lines} lines, {len(result.errors)} rows failed"
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} rows failed; the other rows were kept.")
