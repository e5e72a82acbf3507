import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import Source
from kundsvar.channels.email.parse import parse_email
from kundsvar.shops.models import Shop


def messages(path: Path):
    """(name, raw bytes) for a .eml file, a folder of them, an mbox file or a Maildir."""
    if path.is_dir() and (path / "cur").is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in box.iterkeys():
            yield f"{path}/{key}", box.get_bytes(key)
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from messages(file)
    elif path.read_bytes()[:5] == b"From ":
        box = mailbox.mbox(path, create=False)
        for key in box.iterkeys():
            yield f"{path}#{key}", box.get_bytes(key)
    else:
        yield str(path), path.read_bytes()


class Command(BaseCommand):
    help = (
        "Import mail from .eml files, folders, mbox files or Maildirs (a migration). "
        "Each message keeps its own date and gets no acknowledgement."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--shop", required=True, help="the shop's short name (slug)")

    def handle(self, *args, paths, shop, **options):
        try:
            target = Shop.objects.get(slug=shop)
        except Shop.DoesNotExist:
            raise CommandError(f"No shop called {shop!r}.") from None
        counts: dict[str, int] = {}
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path} does not exist.")
            for name, raw in messages(path):
                date = parse_email(raw).date or timezone.now()
                row = pipeline.receive(
                    raw, shop=target, source=Source.IMPORT, received_at=min(date, timezone.now())
                )
                counts[row.state] = counts.get(row.state, 0) + 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{row.state:10} {name}")
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Imported into {target}: {summary or 'nothing'}")
