"""Outbound deliveries as rows: one machine for every kind of thing we send.

Mail to customers, webhooks to a shop's systems and, later, SMS and social replies are
all the same shape (saleor `EventDelivery`, hc `Notification`): a row is written in the
transaction of the change that caused it, a worker sends it after commit, and a failure
is retried with growing pauses until the row is given up and shown as FAILED, with its
last error, for a person to see and send again.

This module is that machine; each kind supplies only its "send" step (SMTP, a signed
HTTP POST, ...) and what to do when a row is finally given up (the email outbox writes
the case's audit log). It knows nothing of the kinds: `core` imports only Django.

Claiming is how several workers share the rows without sending one twice:
- a row is taken with a conditional UPDATE (queued and due → leased), so of two workers
  that try, exactly one changes the row and the other sees 0 rows and skips it;
- the claim moves `next_attempt_at` (and `claimed_until`) a lease ahead: a worker that
  dies mid-send gives the row back when the lease runs out, and nobody touches it before
  (it may be on its way);
- a worker looking for the next due row picks it with SELECT ... FOR UPDATE SKIP LOCKED
  on PostgreSQL, so parallel workers take different rows instead of queueing for the
  same one (SQLite has one writer at a time and ignores it).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# What one attempt came to (`Deliveries.send`, `Deliveries.attempt`).
SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"


class DeliveryRow(models.Model):
    """The columns every delivery row has. A kind adds what it sends (the MIME bytes,
    the payload and endpoint) and its own index on `next_attempt_at` for queued rows."""

    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the row is due: the next try, or the end of the lease while a worker has it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends it: "retry now" leaves such a row alone (no double send).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # The column that says when it went out (webhooks call theirs `delivered_at`).
    SENT_AT = "sent_at"

    class Meta:
        abstract = True


class DeliveryError(Exception):
    """A send step raises this to say why an attempt failed. `permanent`: trying again
    cannot help (the address does not exist, the receiver is gone), so the row is given
    up at once instead of after every retry (hc `TransportError(permanent=...)`). Any
    other exception is a temporary failure."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Attempt:
    """The outcome of one attempt: SENT, RETRY or FAILED, and the error if any."""

    result: str
    error: Exception | None = None


# Called once when a row is given up: (row, error, now). The email outbox records the
# failure in the case's audit log from here.
OnFinal = Callable[[Any, Exception, datetime], None]


def describe(error: Exception) -> str:
    """The text kept in `last_error`: our own errors as they are worded, anything else
    with its type, so "timed out" and "ConnectionRefusedError" both show."""
    text = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
    return text[:2000] or type(error).__name__


@dataclass(frozen=True)
class Deliveries:
    """The machine for one model of delivery rows (a subclass of DeliveryRow)."""

    model: type[DeliveryRow]
    max_attempts: int
    lease: timedelta = timedelta(minutes=5)  # a dead worker gives the row back after this
    first_wait: timedelta = timedelta(minutes=1)
    longest_wait: timedelta = timedelta(hours=1)

    # -- the schedule -----------------------------------------------------------------

    def backoff(self, attempts: int) -> timedelta:
        """The pause after `attempts` failed attempts: 1, 2, 4 … minutes, doubling up
        to `longest_wait`."""
        return min(self.first_wait * 2 ** max(attempts - 1, 0), self.longest_wait)

    def due(self, now: datetime, rows: QuerySet | None = None) -> QuerySet:
        """Queued rows whose next attempt is due (a leased row is due when its lease
        runs out), oldest first."""
        rows = self.model._default_manager.all() if rows is None else rows
        return rows.filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )

    # -- claiming ----------------------------------------------------------------------

    def claim(self, pk: int, now: datetime) -> bool:
        """Take the row for one attempt with a conditional UPDATE; False when another
        worker has it, it is not due yet, or it is done."""
        until = now + self.lease
        return bool(
            self.model._default_manager.filter(
                Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
                pk=pk,
                state=DeliveryState.QUEUED,
            ).update(next_attempt_at=until, claimed_until=until)
        )

    def claim_next(self, now: datetime, rows: QuerySet | None = None):
        """Claim the oldest due row and return it (loaded through `rows`, so a caller
        can `select_related`), or None when nothing is due. Candidates are picked with
        FOR UPDATE SKIP LOCKED: a row another worker is claiming is passed over."""
        rows = self.model._default_manager.all() if rows is None else rows
        while True:
            with transaction.atomic():
                candidate = (
                    self.due(now, rows).select_for_update(skip_locked=True, of=("self",)).first()
                )
                if candidate is None:
                    return None
                if self.claim(candidate.pk, now):
                    return candidate
            # Taken between the pick and the claim (only without row locks): next one.

    def claim_due(
        self, now: datetime, rows: QuerySet | None = None, *, limit: int = 500
    ) -> Iterator:
        """Claim due rows one at a time, for a worker run: a caller that stops early
        (the SMTP server is down) leaves the rest untouched and due."""
        for _n in range(limit):
            row = self.claim_next(now, rows)
            if row is None:
                return
            yield row

    # -- recording ---------------------------------------------------------------------

    def record_sent(self, row: DeliveryRow, now: datetime, **fields) -> None:
        """The attempt went through: SENT, counted, the error and the lease cleared."""
        self.model._default_manager.filter(pk=row.pk).update(
            state=DeliveryState.SENT,
            attempts=row.attempts + 1,
            last_error="",
            next_attempt_at=None,
            claimed_until=None,
            **{self.model.SENT_AT: now},
            **fields,
        )

    def record_failure(
        self,
        row: DeliveryRow,
        error: Exception,
        now: datetime,
        *,
        on_final: OnFinal | None = None,
        **fields,
    ) -> str:
        """The attempt failed: RETRY after the backoff, or FAILED (visible, with its
        error) after the last attempt or a permanent error, and then `on_final`."""
        attempts = row.attempts + 1
        permanent = isinstance(error, DeliveryError) and error.permanent
        final = permanent or attempts >= self.max_attempts
        self.model._default_manager.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=describe(error),
            state=DeliveryState.FAILED if final else DeliveryState.QUEUED,
            next_attempt_at=None if final else now + self.backoff(attempts),
            claimed_until=None,
            **fields,
        )
        if final and on_final:
            on_final(row, error, now)
        return FAILED if final else RETRY

    def give_up(
        self, row: DeliveryRow, reason: str, now: datetime, *, on_final: OnFinal | None = None
    ) -> str:
        """FAILED without an attempt: there is nothing left to send it to (an endpoint
        switched off). Not counted as an attempt."""
        self.model._default_manager.filter(pk=row.pk).update(
            state=DeliveryState.FAILED, last_error=reason, next_attempt_at=None, claimed_until=None
        )
        if on_final:
            on_final(row, DeliveryError(reason, permanent=True), now)
        return FAILED

    def attempt(
        self,
        row: DeliveryRow,
        send: Callable[[Any], dict | None],
        now: datetime,
        *,
        on_final: OnFinal | None = None,
        failure_fields: Callable[[Exception], dict] | None = None,
    ) -> Attempt:
        """One attempt on a claimed row: `send(row)` does the work and returns extra
        columns to record (or None); any exception it raises is a failed attempt, and
        `failure_fields(error)` gives the columns to record with it."""
        try:
            fields = send(row) or {}
        except Exception as error:  # noqa: BLE001 — any failure is retried, and shown
            extra = failure_fields(error) if failure_fields else {}
            return Attempt(self.record_failure(row, error, now, on_final=on_final, **extra), error)
        self.record_sent(row, now, **fields)
        return Attempt(SENT)

    # -- by hand -----------------------------------------------------------------------

    def retry_now(self, rows: QuerySet, now: datetime) -> list[int]:
        """Make `rows` due at once: queued rows skip the rest of their backoff, failed
        rows get a new round of attempts. Sent rows (and other final states), and a row
        a worker is sending this moment, are left alone. Returns the ids made due."""
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
        with transaction.atomic():
            waiting = rows.filter(free, state=DeliveryState.QUEUED)
            failed = rows.filter(state=DeliveryState.FAILED)
            ids = list(waiting.values_list("pk", flat=True))
            ids += failed.values_list("pk", flat=True)
            self.model._default_manager.filter(free, pk__in=ids, state=DeliveryState.QUEUED).update(
                next_attempt_at=now
            )
            self.model._default_manager.filter(pk__in=ids, state=DeliveryState.FAILED).update(
                state=DeliveryState.QUEUED, attempts=0, next_attempt_at=now, claimed_until=None
            )
        return ids
