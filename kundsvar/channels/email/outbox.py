"""Outgoing email as rows, visible when they fail. A row is written in the same transaction
as the change that caused it; the worker sends it after commit and retries with backoff
while the SMTP server is away, so nothing is lost if SMTP is down for an hour.

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
import email.policy
import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import EventKind

from .models import OutboundEmail, OutboundState

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 40  # about a day and a half at the capped backoff
LEASE = timedelta(minutes=5)  # a worker that dies mid-send gives the row back after this
QUEUE = "outbound"  # the task queue of sending: `kundsvar worker` runs it apart from the rest
UNREACHABLE = "outbox:smtp-unreachable"  # cache key, shared by every worker process


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between attempts."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


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
        self._stored = email.message_from_bytes(
            bytes(row.mime), _StoredMessage, policy=email.policy.SMTP
        )
        self._stored.raw = bytes(row.mime)
        super().__init__(subject=row.subject, from_email=row.from_address, to=[row.to_address])
        self.body = _text_part(self._stored)

    def message(self, *, policy=None):
        return self._stored


def _text_part(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def queue(
    case, kind: str, message, built: email.message.EmailMessage, *, now: datetime | None = None
) -> OutboundEmail:
    """Store `built` as a row and send it once the surrounding transaction commits."""
    now = now or timezone.now()
    row = OutboundEmail.objects.create(
        case=case,
        case_message=message,
        kind=kind,
        from_address=built["From"].addresses[0].addr_spec,
        to_address=built["To"].addresses[0].addr_spec,
        subject=str(built["Subject"]),
        message_id=str(built["Message-ID"]),
        mime=built.as_bytes(policy=email.policy.SMTP),
        created_at=now,
        next_attempt_at=now,
    )
    from .tasks import send_outbound  # the task module imports this one

    transaction.on_commit(lambda: send_outbound.enqueue(row.pk))
    return row


def _claim(row_id: int, now: datetime) -> bool:
    """Take the row for one send attempt; False when another worker has it or it is done."""
    return bool(
        OutboundEmail.objects.filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
            pk=row_id,
            state=OutboundState.QUEUED,
        ).update(next_attempt_at=now + LEASE, claimed_until=now + LEASE)
    )


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
    if not _claim(row_id, now):
        return "skipped"
    row = OutboundEmail.objects.get(pk=row_id)
    try:
        _connection().send_messages([_WireEmail(row)])
    except Exception as error:  # noqa: BLE001 — any failure is retried, and shown
        return _failed(row, error, now)
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundState.SENT,
        sent_at=now,
        attempts=row.attempts + 1,
        last_error="",
        next_attempt_at=None,
        claimed_until=None,
    )
    _remember_unreachable(None)
    return "sent"


def send_new(row_id: int) -> str:
    """The first try, right after commit. While the server is known to be unreachable
    the row stays due for `send_due`, which asks the server first: a hundred new
    acknowledgements during an outage must not each wait out EMAIL_TIMEOUT."""
    if _was_unreachable():
        return "waiting"
    return send(row_id)


def _failed(row: OutboundEmail, error: Exception, now: datetime) -> str:
    attempts = row.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    log.warning("sending outbound %s failed (attempt %s): %s", row.pk, attempts, error)
    OutboundEmail.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        state=OutboundState.FAILED if final else OutboundState.QUEUED,
        next_attempt_at=None if final else now + backoff(attempts),
        claimed_until=None,
    )
    if unreachable(error):
        _remember_unreachable(now)
    if final and row.case_id:
        record_event(
            row.case_id,
            EventKind.DELIVERY_FAILED,
            at=now,
            outbound=row.pk,
            to=row.to_address,
            error=str(error)[:500],
        )
    if final:
        return "failed"
    return "unreachable" if unreachable(error) else "retry"


def send_due(now: datetime | None = None) -> int:
    """Send every row whose next attempt is due (the worker calls this every 30 s).

    First, when mail waits because the server was unreachable, ask the server whether it
    is back and if so make that mail due now. Then send, oldest first, and stop at the
    first unreachable failure: the rest would only wait out the same timeout."""
    now = now or timezone.now()
    if _was_unreachable() and _server_answers():
        _remember_unreachable(None)
        retry_now(OutboundEmail.objects.filter(state=OutboundState.QUEUED), now=now, enqueue=False)
    due = OutboundEmail.objects.filter(state=OutboundState.QUEUED, next_attempt_at__lte=now)
    sent = 0
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500]:
        result = send(pk, now)
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
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    with transaction.atomic():
        waiting = rows.filter(free, state=OutboundState.QUEUED).update(next_attempt_at=now)
        failed = rows.filter(state=OutboundState.FAILED).update(
            state=OutboundState.QUEUED, attempts=0, next_attempt_at=now
        )
        if enqueue and waiting + failed:
            from .tasks import send_due_outbound  # the task module imports this one

            transaction.on_commit(send_due_outbound.enqueue)
    return waiting + failed


def for_shop(shop):
    """The shop's outgoing mail: its cases' and its order messages (from its address)."""
    return OutboundEmail.objects.filter(
        Q(case__shop=shop) | Q(case__isnull=True, from_address__iexact=shop.email)
    )
