"""kundsvar rotate-secrets: re-encrypt every stored secret under the first ENCRYPTION_KEY
(after putting a new key first: ENCRYPTION_KEY=new,old). Then the old key can go."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kundsvar.channels.email.models import Mailbox, SmtpServer
from kundsvar.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt stored mailbox and SMTP passwords under the first ENCRYPTION_KEY."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for model in (Mailbox, SmtpServer):
                for pk, stored in model.objects.values_list("pk", "password").iterator():
                    # values_list goes through from_db_value: `stored` is plain here.
                    model.objects.filter(pk=pk).update(password=crypto.encrypt(stored))
                    count += 1
        self.stdout.write(f"Re-encrypted {count} secrets.")
