"""A small mail world on this machine for the mailbox probe's tests: the probe's mailbox in
a local Dovecot, a mail exchanger that delivers into it, Kundsvar's own smtpd in front of a
shop, and a deliberately bad shop that answers every question with an unmarked "Auto:
hejhej" from noreply@, an empty subject, and never a real answer."""

import contextlib
import email.policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from kundsvar.channels.email.smtpd import KundsvarController, KundsvarHandler

PROBE_USER = "karin.provkund@provare.example"
PROBE_PASSWORD = "provlosen-123"  # noqa: S105 — a throwaway test mailbox
BAD_SHOP = "kundtjanst@dalig-butik.example"


class DeliverToDovecot:
    """The probe's mail exchanger: whatever comes in is appended to the probe's INBOX."""

    def __init__(self, dovecot):
        self.dovecot = dovecot
        self.delivered = 0

    async def handle_DATA(self, server, session, envelope):
        self.dovecot.append(envelope.original_content)
        self.delivered += 1
        return "250 OK"


class BadShop:
    """Accepts the question, sends back a careless autoreply into the probe's mailbox."""

    def __init__(self, dovecot):
        self.dovecot = dovecot

    async def handle_DATA(self, server, session, envelope):
        question = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        reply = EmailMessage(policy=email.policy.SMTP)
        reply["From"] = "noreply@dalig-butik.example"
        reply["To"] = str(question["From"])
        reply["Subject"] = ""
        reply["Date"] = format_datetime(timezone.now())
        reply["Message-ID"] = make_msgid(domain="dalig-butik.example")
        reply.set_content("Auto: hejhej")
        self.dovecot.append(reply.as_bytes())
        return "250 OK"


@contextlib.contextmanager
def smtp_server(handler):
    controller = KundsvarController(handler, "127.0.0.1", 0)
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@contextlib.contextmanager
def kundsvar_smtpd():
    handler = KundsvarHandler()
    try:
        with smtp_server(handler) as address:
            yield address
    finally:
        handler.close()
