"""`kundsvar outbox retry [--shop SLUG]`: send waiting and failed mail now, for example
once the SMTP server is back after an outage, instead of waiting out the backoff."""

from django.core.management.base import BaseCommand, CommandError

from kundsvar.channels.email import outbox
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.shops.models import Shop


class Command(BaseCommand):
    help = "Outgoing mail. `retry`: make waiting and failed mail due now."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retry"])
        parser.add_argument("--shop", help="only this shop (slug)")

    def handle(self, *args, action, shop=None, **options):
        rows = OutboundEmail.objects.all()
        if shop:
            found = Shop.objects.filter(slug=shop).first()
            if found is None:
                raise CommandError(f"No shop with the slug {shop!r}.")
            rows = outbox.for_shop(found)
        count = outbox.retry_now(rows)
        self.stdout.write(f"{count} outgoing mail(s) due now; the worker sends them.")
