"""Outgoing email as rows (STYLE practice 6). A row is written in the same transaction
as the change that caused it; the worker sends it after commit and retries with backoff
while the SMTP server is away, so nothing is lost if SMTP is down for an hour."""

import email
import email.message
import email.policy
import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases.models import CaseEvent

from .models import OutboundEmail, OutboundState

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 40  # about a day and a half at the capped backoff
LEASE = timedelta(minutes=5)  # a worker that dies mid-send gives the row back after this


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
        self._stored = email.message_from_bytes(bytes(row.mime), _StoredMessage,
                                                policy=email.policy.SMTP)
        self._stored.raw = bytes(row.mime)
        super().__init__(subject=row.subject, from_email=row.from_address, to=[row.to_address])
        self.body = _text_part(self._stored)

    def message(self, *, policy=None):
        return self._stored


def _text_part(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def queue(case, kind: str, message, built: email.message.EmailMessage, *,
          now: datetime | None = None) -> OutboundEmail:
    """Store `built` as a row and send it once the surrounding transaction commits."""
    now = now or timezone.now()
    row = OutboundEmail.objects.create(
        case=case, case_message=message, kind=kind,
        from_address=built["From"].addresses[0].addr_spec,
        to_address=built["To"].addresses[0].addr_spec, subject=str(built["Subject"]),
        message_id=str(built["Message-ID"]), mime=built.as_bytes(policy=email.policy.SMTP),
        created_at=now, next_attempt_at=now,
    )
    from .tasks import send_outbound  # the task module imports this one

    transaction.on_commit(lambda: send_outbound.enqueue(row.pk))
    return row


def _claim(row_id: int, now: datetime) -> bool:
    """Take the row for one send attempt; False when another worker has it or it is done."""
    return bool(OutboundEmail.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        pk=row_id, state=OutboundState.QUEUED,
    ).update(next_attempt_at=now + LEASE))


def send(row_id: int, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if not _claim(row_id, now):
        return "skipped"
    row = OutboundEmail.objects.get(pk=row_id)
    try:
        get_connection(fail_silently=False).send_messages([_WireEmail(row)])
    except Exception as error:  # noqa: BLE001 — any failure is retried, and shown
        return _failed(row, error, now)
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundState.SENT, sent_at=now, attempts=row.attempts + 1, last_error="",
        next_attempt_at=None)
    return "sent"


def _failed(row: OutboundEmail, error: Exception, now: datetime) -> str:
    attempts = row.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    log.warning("sending outbound %s failed (attempt %s): %s", row.pk, attempts, error)
    OutboundEmail.objects.filter(pk=row.pk).update(
        attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
        state=OutboundState.FAILED if final else OutboundState.QUEUED,
        next_attempt_at=None if final else now + backoff(attempts))
    if final and row.case_id:
        CaseEvent.objects.create(case_id=row.case_id, kind="delivery_failed", created_at=now,
                                 data={"outbound": row.pk, "to": row.to_address,
                                       "error": str(error)[:500]})
    return "failed" if final else "retry"


def send_due(now: datetime | None = None) -> int:
    """Send every row whose next attempt is due (the worker calls this every 30 s)."""
    now = now or timezone.now()
    due = OutboundEmail.objects.filter(state=OutboundState.QUEUED, next_attempt_at__lte=now)
    return sum(send(pk, now) == "sent" for pk in due.values_list("pk", flat=True)[:500])
