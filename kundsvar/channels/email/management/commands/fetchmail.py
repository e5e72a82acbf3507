from django.core.management.base import BaseCommand, CommandError

from kundsvar.channels.email import imap
from kundsvar.channels.email.models import Mailbox


class Command(BaseCommand):
    help = (
        "Poll the IMAP mailboxes once (every enabled one, or one by id) and print a "
        "line per mailbox. The worker does the same on a schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--mailbox",
            type=int,
            metavar="ID",
            help="Poll only this mailbox, even if it is disabled.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=500,
            help="At most this many messages per mailbox (default 500).",
        )

    def handle(self, *args, mailbox=None, limit=500, **options):
        if mailbox is None:
            mailboxes = Mailbox.objects.filter(enabled=True)
        else:
            mailboxes = Mailbox.objects.filter(pk=mailbox)
            if not mailboxes.exists():
                raise CommandError(f"No mailbox with id {mailbox}.")
        failed = polled = 0
        for result in imap.poll_each(mailboxes, limit=limit):
            polled += 1
            failed += bool(result.error)
            self.stdout.write(f"#{result.mailbox_id} {result}")
        if not polled:
            self.stdout.write("No enabled mailboxes.")
        if failed:
            raise CommandError(f"{failed} of {polled} mailboxes could not be polled.")
