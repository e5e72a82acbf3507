import time

from django.core.management.base import BaseCommand

from kundsvar.cases.models import Case
from kundsvar.knowledge import search as articles
from kundsvar.search import services


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every case (or only the given cases) "
        "and of the FAQ articles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "numbers",
            nargs="*",
            type=int,
            metavar="CASE",
            help="Case numbers to reindex; all cases when none are given.",
        )

    def handle(self, *args, numbers, **options):
        self.verbosity = options["verbosity"]
        started = time.monotonic()
        if numbers:
            ids = list(Case.objects.filter(number__in=numbers).values_list("pk", flat=True))
            services.index_cases(ids)
            count = len(ids)
        else:
            count = services.rebuild(progress=self._progress)
        self.stdout.write(f"Indexed {count} cases in {time.monotonic() - started:.1f} s.")
        if not numbers:
            self.stdout.write(f"Indexed {articles.rebuild()} FAQ articles.")

    def _progress(self, count: int) -> None:
        if self.verbosity > 1 and count % 100_000 < services.REBUILD_CHUNK:
            self.stdout.write(f"  {count} cases …")
