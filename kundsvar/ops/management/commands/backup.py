"""kundsvar backup [-o FILE]   the SQLite database (online), raw mail and attachments in one
.tar.gz with a manifest; on PostgreSQL, says which pg_dump command to run instead."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kundsvar.ops import backup


class Command(BaseCommand):
    help = "Back up a SQLite installation (database, raw mail, attachments) while it runs."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the .tar.gz to write")

    def handle(self, *args, output=None, **options):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = Path(output or f"kundsvar-backup-{stamp}.tar.gz").resolve()
        try:
            manifest = backup.backup(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        size = sum(f["size"] for f in manifest["files"].values())
        self.stdout.write(f"Wrote {path}: {len(manifest['files'])} files, {size} bytes.")
