"""kundsvar restore FILE [--force]   put a `kundsvar backup` archive in place (SQLite), after
checking every file against its manifest. Stop the web processes and workers first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kundsvar.ops import backup


class Command(BaseCommand):
    help = "Restore a SQLite installation from a `kundsvar backup` archive."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `kundsvar backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database and files already there"
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = backup.restore(Path(archive), force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {len(manifest['files'])} files from the backup of "
            f"{manifest['created_at']}; run `kundsvar migrate` if this version is newer."
        )
