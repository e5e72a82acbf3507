"""Outgoing email as rows: the email kind of the delivery machine (`core.delivery`,
which claims, leases, retries with backoff and makes a final failure visible). A row is
written in the same transaction as the change that caused it; the worker sends it after
commit and retries with backoff while the SMTP server is away, so nothing is lost if
SMTP is down for an hour. What is the email's own: the stored bytes go out exactly as
queued, a final failure is written to the case's audit log, and the circuit below.

After an outage nobody waits out the backoff: while mail waits because the server could
not be reached, every worker run (30 s) asks the server whether it is back and, once it
is, makes all waiting mail due at once (`retry_now`, also a button on the case page and
the settings page, and `kundsvar outbox retry`). A server that takes the connection but
never answers costs EMAIL_TIMEOUT seconds, once per run, not once per mail: the run
stops at the first unreachable failure. Sending has its own task queue ("outbound"), so
incoming mail is never processed behind it.
"""

import email
import email.message
import logging
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import EventKind
from kundsvar.core import batchcache, delivery
from kundsvar.core.inserts import insert

from . import mimetext, oauth
from .models import OutboundEmail, OutboundState, SignIn, SmtpSecurity, SmtpServer

log = logging.getLogger(__name__)
# 40 attempts: about a day and a half at the capped backoff (1, 2, 4 … 60 minutes).
MACHINE = delivery.Deliveries(OutboundEmail, max_attempts=40)
MAX_ATTEMPTS = MACHINE.max_attempts
LEASE = MACHINE.lease  # a worker that dies mid-send gives the row back after this
backoff = MACHINE.backoff
QUEUE = "outbound"  # the task queue of sending: `kundsvar worker` runs it apart from the rest
UNREACHABLE = "outbox:smtp-unreachable"  # cache key, shared by every worker process


class _StoredMessage(email.message.EmailMessage):
    """The stored bytes as they are. Django's SMTP backend calls as_bytes(linesep=…),
    which the stdlib's as_bytes() does not take."""

    raw = b""

    def as_bytes(self, unixfrom=False, policy=None, linesep="\r\n"):
        return self.raw


class _WireEmail(EmailMessage):
    """An EmailMessage whose bytes were fixed when it was queued: what was stored is
    exactly what is sent, whichever Django mail backend is configured."""

    def __init__(self, row: OutboundEmail):
        self._stored: _StoredMessage = email.message_from_bytes(  # type: ignore[assignment]
            bytes(row.mime), _StoredMessage, policy=mimetext.SMTP
        )
        self._stored.raw = bytes(row.mime)
        # The envelope: To and Cc as the headers say, Bcc (never in the headers) from the
        # agent's answer the mail carries.
        cc = [a.addr_spec for a in getattr(self._stored["Cc"], "addresses", ())]
        bcc = list(row.case_message.bcc_addresses) if row.case_message_id else []
        super().__init__(
            subject=row.subject, from_email=row.from_address, to=[row.to_address], cc=cc, bcc=bcc
        )
        self.body = _text_part(self._stored)

    def message(self, *, policy=None):
        return self._stored


def _text_part(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def queue(
    case,
    kind: str,
    message,
    built: email.message.EmailMessage | mimetext.Written,
    *,
    now: datetime | None = None,
) -> OutboundEmail:
    """Store `built` (a mail, or one written to bytes already) as a row and send it once
    the surrounding transaction commits."""
    now = now or timezone.now()
    written = built if isinstance(built, mimetext.Written) else _written(built)
    row = OutboundEmail(
        case=case,
        case_message=message,
        kind=kind,
        from_address=written.from_address,
        to_address=written.to_address,
        subject=written.subject,
        message_id=written.message_id,
        mime=written.mime,
        created_at=now,
        next_attempt_at=now,
    )
    row.fill_recipient()
    insert(row)  # one for nearly every message that comes in: the statement made once
    # In a batch of inbound mail (core.batchcache), one task sends the batch's
    # acknowledgements when it ends; send_due takes up whatever that task does not.
    transaction.on_commit(
        lambda: (
            batchcache.after_batch("send", [row.pk], _enqueue_sending) or _enqueue_sending([row.pk])
        )
    )
    return row


def _written(built: email.message.EmailMessage) -> mimetext.Written:
    return mimetext.Written(
        from_address=built["From"].addresses[0].addr_spec,
        to_address=built["To"].addresses[0].addr_spec,
        subject=str(built["Subject"]),
        message_id=str(built["Message-ID"]),
        mime=built.as_bytes(policy=mimetext.SMTP),
    )


def _enqueue_sending(row_ids: list[int]) -> None:
    from .tasks import send_outbound, send_outbound_rows  # the task module imports this one

    if len(row_ids) == 1:
        send_outbound.enqueue(row_ids[0])
    else:
        send_outbound_rows.enqueue(row_ids)


def _connection():
    # EMAIL_TIMEOUT bounds the connect and every read: a relay that takes the connection
    # and never answers costs seconds, not the socket default of forever.
    return get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)


def unreachable(error: Exception) -> bool:
    """The server could not be talked to at all (refused, timed out, hung up), as
    opposed to a server that answered and refused this mail (4xx/5xx)."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def send(row_id: int, now: datetime | None = None) -> str:
    """One attempt: "sent", "retry", "unreachable" (retried too), "failed" or "skipped"."""
    now = now or timezone.now()
    if not MACHINE.claim(row_id, now):
        return "skipped"
    return _attempt(OutboundEmail.objects.get(pk=row_id), now)


def _attempt(row: OutboundEmail, now: datetime) -> str:
    done = MACHINE.attempt(row, _send_mail, now, on_final=_delivery_failed)
    if done.error is None:
        _remember_unreachable(None)
        return "sent"
    log.warning("sending outbound %s failed (attempt %s): %s", row.pk, row.attempts + 1, done.error)
    if unreachable(done.error):
        _remember_unreachable(now)
        if done.result == delivery.RETRY:
            return "unreachable"
    return done.result


def _send_mail(row: OutboundEmail) -> None:
    server = _shop_server(row)
    connection = smtp_connection(server) if server else _connection()
    connection.send_messages([_WireEmail(row)])


def _shop_server(row: OutboundEmail) -> SmtpServer | None:
    """The shop's own SMTP server, when it set one up on the email settings page."""
    servers = SmtpServer.objects.filter(enabled=True)
    if row.case_id:
        return servers.filter(shop__cases=row.case_id).first()
    return servers.filter(shop__email__iexact=row.from_address).first()


def smtp_connection(server: SmtpServer):
    """A Django SMTP connection to a shop's own server (verifying its certificate),
    signing in with the password or, for OAuth2, with XOAUTH2 (oauth.OAuthSmtpBackend)."""
    params = {
        "fail_silently": False,
        "timeout": settings.EMAIL_TIMEOUT,
        "host": server.host,
        "port": server.port,
        "username": server.username or None,
        "use_tls": server.security == SmtpSecurity.STARTTLS,
        "use_ssl": server.security == SmtpSecurity.TLS,
    }
    if server.sign_in == SignIn.OAUTH2:
        return oauth.OAuthSmtpBackend(shop_id=server.shop_id, **params)
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        password=server.password or None,
        **params,
    )


def _delivery_failed(row: OutboundEmail, error: Exception, now: datetime) -> None:
    """The last attempt failed: the case shows it in its timeline (the audit log)."""
    if row.case_id:
        record_event(
            row.case_id,
            EventKind.DELIVERY_FAILED,
            at=now,
            outbound=row.pk,
            to=row.to_address,
            error=str(error)[:500],
        )


def send_new(row_id: int) -> str:
    """The first try, right after commit. While the server is known to be unreachable
    the row stays due for `send_due`, which asks the server first: a hundred new
    acknowledgements during an outage must not each wait out EMAIL_TIMEOUT."""
    if _was_unreachable():
        return "waiting"
    return send(row_id)


def send_new_rows(row_ids: list[int]) -> dict[str, int]:
    """`send_new` for each row (a batch's acknowledgements): how many ended how."""
    outcomes: dict[str, int] = {}
    for row_id in row_ids:
        outcome = send_new(row_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def send_due(now: datetime | None = None) -> int:
    """Send every row whose next attempt is due (the worker calls this every 30 s).

    First, when mail waits because the server was unreachable, ask the server whether it
    is back and if so make that mail due now. Then send, oldest first, and stop at the
    first unreachable failure: the rest would only wait out the same timeout."""
    now = now or timezone.now()
    if _was_unreachable() and _server_answers():
        _remember_unreachable(None)
        retry_now(OutboundEmail.objects.filter(state=OutboundState.QUEUED), now=now, enqueue=False)
    sent = 0
    for row in MACHINE.claim_due(now):
        result = _attempt(row, now)
        sent += result == "sent"
        if result == "unreachable":
            break
    return sent


def _remember_unreachable(since: datetime | None) -> None:
    """Shared by every worker process (the cache is a database table). A cache that
    fails costs only the early resumption, never the mail."""
    try:
        if since is None:
            cache.delete(UNREACHABLE)
        else:
            cache.set(UNREACHABLE, since.isoformat(), timeout=7 * 24 * 3600)
    except Exception:  # noqa: BLE001
        log.exception("outbox: the cache is not available")


def _was_unreachable() -> bool:
    try:
        return bool(cache.get(UNREACHABLE))
    except Exception:  # noqa: BLE001
        log.exception("outbox: the cache is not available")
        return False


def _server_answers() -> bool:
    """Connect (and log in, as configured) without sending anything."""
    connection = _connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 — any failure means "not yet"
        log.info("SMTP server still unreachable: %s", error)
        return False
    connection.close()
    return True


def retry_now(rows, *, now: datetime | None = None, enqueue: bool = True) -> int:
    """Make `rows` (an OutboundEmail queryset) due at once: waiting rows skip the rest of
    their backoff, failed rows get a new round of attempts. Sent and bounced rows, and a
    row a worker is sending this moment, are left alone. Returns how many were reset."""
    now = now or timezone.now()
    with transaction.atomic():
        count = len(MACHINE.retry_now(rows, now))
        if enqueue and count:
            from .tasks import send_due_outbound  # the task module imports this one

            transaction.on_commit(send_due_outbound.enqueue)
    return count


def for_shop(shop):
    """The shop's outgoing mail: its cases' and its order messages (from its address)."""
    return OutboundEmail.objects.filter(
        Q(case__shop=shop) | Q(case__isnull=True, from_address__iexact=shop.email)
    )
