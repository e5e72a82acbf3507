"""Replies and acknowledgements on Messenger, Instagram and WhatsApp: the social kind of
the delivery machine (`core.delivery` claims, leases, retries with backoff and keeps a
final failure visible; this module POSTs to the platform's send API and reads the
status webhooks).

A row holds the exact JSON body the send API gets, fixed when it was queued. The
platform's answer gives the message id, which the status webhooks (WhatsApp sent /
delivered / read / failed, Messenger delivery and read) later refer to."""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import EventKind
from kundsvar.core import delivery

from . import graph
from .events import StatusUpdate
from .models import STATUS_RANK, Connection, PlatformMessage, SocialDelivery

log = logging.getLogger(__name__)
# 12 attempts: about six hours at the capped backoff (1, 2, 4 … 60 minutes); a reply
# later than that may be outside the platform's window anyway.
MACHINE = delivery.Deliveries(SocialDelivery, max_attempts=12)
QUEUE = "outbound"


def route(case) -> tuple[Connection, str] | None:
    """Where an answer on `case` goes: the connection and platform id the customer wrote
    from last on this case, or None (the case never came from the platform)."""
    last = (
        PlatformMessage.objects.select_related("connection")
        .filter(message__case=case, connection__platform=case.channel)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None:
        return last.connection, last.sender
    handle = case.customer.handles.filter(kind=case.channel).order_by("-pk").first()
    connection = Connection.objects.filter(shop=case.shop_id, platform=case.channel).first()
    if handle is None or connection is None:
        return None
    return connection, handle.value


def queue(case, message, connection, recipient: str, payloads: list[dict], *, kind: str, now):
    """One row per send-API call, sent once the surrounding transaction commits."""
    rows = [
        SocialDelivery.objects.create(
            case=case,
            case_message=message,
            connection=connection,
            kind=kind,
            recipient=recipient,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for payload in payloads
    ]
    _enqueue_on_commit([row.pk for row in rows])
    return rows


def _enqueue_on_commit(ids: list[int]) -> None:
    from .tasks import send_social  # the task module imports this one

    for pk in ids:
        transaction.on_commit(partial(send_social.enqueue, pk))


def send(row_id: int, now: datetime | None = None) -> str:
    """One attempt: "sent", "retry", "failed" or "skipped" (not due, or taken)."""
    now = now or timezone.now()
    if not MACHINE.claim(row_id, now):
        return "skipped"
    return _attempt(SocialDelivery.objects.select_related("connection").get(pk=row_id), now)


def _attempt(row: SocialDelivery, now: datetime) -> str:
    if not row.connection.active:
        return MACHINE.give_up(
            row, "The connection was switched off before this was sent.", now, on_final=_failed
        )
    done = MACHINE.attempt(row, _post, now, on_final=_failed)
    if done.error is not None:
        log.warning(
            "social delivery %s failed (attempt %s): %s", row.pk, row.attempts + 1, done.error
        )
    return done.result


def _post(row: SocialDelivery) -> dict:
    connection = row.connection
    answer = graph.post(
        connection.platform,
        f"{connection.account_id}/messages",
        connection.access_token,
        row.payload,
    )
    # Messenger/Instagram: {"recipient_id", "message_id"}; WhatsApp: {"messages": [{"id"}]}.
    sent = answer.get("message_id") or ((answer.get("messages") or [{}])[0]).get("id", "")
    return {"external_id": str(sent)[:255]}


def _failed(row: SocialDelivery, error: Exception, now: datetime) -> None:
    """Given up: the case's timeline shows it, with the platform's words."""
    record_event(
        row.case_id,
        EventKind.DELIVERY_FAILED,
        at=now,
        social=row.pk,
        channel=row.connection.platform,
        to=row.recipient,
        error=str(error)[:500],
    )


def send_due(now: datetime | None = None) -> int:
    """Every row whose next attempt is due (the worker calls this every 30 s)."""
    now = now or timezone.now()
    rows = SocialDelivery.objects.select_related("connection")
    return sum(_attempt(row, now) == "sent" for row in MACHINE.claim_due(now, rows))


@transaction.atomic
def retry_now(rows: QuerySet[SocialDelivery], now: datetime | None = None) -> int:
    ids = MACHINE.retry_now(rows, now or timezone.now())
    _enqueue_on_commit(ids)
    return len(ids)


def apply_status(connection: Connection, status: StatusUpdate) -> bool:
    """A status webhook: the rows it names move forward (sent → delivered → read, never
    back, whatever order the webhooks come in), or fail with the platform's error.
    False when it names ids we have no row for."""
    rows = SocialDelivery.objects.filter(connection=connection)
    if status.external_ids:
        rows = rows.filter(external_id__in=status.external_ids)
    elif status.watermark and status.recipient:  # Messenger: all sent up to the watermark
        rows = rows.filter(recipient=status.recipient, sent_at__lte=status.watermark)
    else:
        return True
    found = False
    for row in rows.exclude(external_id=""):
        found = True
        if status.status == "failed":
            _platform_failed(row, status)
        elif STATUS_RANK.get(status.status, 0) > STATUS_RANK.get(row.platform_status, 0):
            SocialDelivery.objects.filter(pk=row.pk).exclude(platform_status="failed").update(
                platform_status=status.status, platform_status_at=status.at
            )
    return found or not status.external_ids


def _platform_failed(row: SocialDelivery, status: StatusUpdate) -> None:
    """The platform took the message, then could not deliver it (WhatsApp "failed"):
    FAILED, visible on the case with the platform's reason."""
    if row.platform_status in ("delivered", "read", "failed"):
        return  # delivered to one device is delivered
    error = status.error or "The platform could not deliver the message."
    with transaction.atomic():
        changed = (
            SocialDelivery.objects.filter(pk=row.pk)
            .filter(~Q(platform_status="failed"))
            .update(
                state=delivery.DeliveryState.FAILED,
                platform_status="failed",
                platform_status_at=status.at,
                last_error=error[:2000],
            )
        )
        if changed:
            _failed(row, Exception(error), status.at)
