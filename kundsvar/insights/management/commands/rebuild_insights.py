from django.core.management.base import BaseCommand

from kundsvar.insights import rollups
from kundsvar.shops.models import Shop


class Command(BaseCommand):
    help = "Recompute every report row from the audit log (all shops, or one by slug)."

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="only this shop (its slug)")

    def handle(self, *args, shop=None, **options):
        target = Shop.objects.get(slug=shop) if shop else None
        days = rollups.rebuild(target)
        self.stdout.write(f"{days} days rebuilt")
