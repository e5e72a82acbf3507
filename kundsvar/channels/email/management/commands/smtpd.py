from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Receive mail for the shops' customer-service addresses by SMTP, or by LMTP "
        "from the local mail server (rule A6: stored before it is accepted)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=2525, help="Port to listen on (default 2525)."
        )
        parser.add_argument(
            "--lmtp",
            action="store_true",
            help="Speak LMTP (RFC 2033), e.g. behind Postfix or Exim.",
        )

    def handle(self, *args, host, port, lmtp, **options):
        from kundsvar.channels.email.smtpd import serve

        self.stdout.write(
            f"Receiving mail by {'LMTP' if lmtp else 'SMTP'} on {host}:{port}; Ctrl-C stops."
        )
        serve(host, port, lmtp=lmtp)
