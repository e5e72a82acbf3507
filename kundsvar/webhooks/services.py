"""Outgoing webhooks as rows: payload, delivery, attempts, a visible failure.

`fire()` writes one delivery per endpoint in the transaction of the change that caused
it; after commit a task POSTs it. A receiver that is down or answers anything but 2xx
gets the same delivery again with growing pauses, until MAX_ATTEMPTS, after which the
row stays as failed, for the admin to see and send again.

The body is signed: X-Kundsvar-Signature: sha256=<hex HMAC-SHA256 of the raw body,
keyed with the endpoint's secret>. The body holds the delivery id and the event time,
so a receiver can drop replays and duplicates (a retry is the same delivery id).
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 16  # about ten hours at the capped backoff
LEASE = timedelta(minutes=5)  # a worker that dies mid-send gives the row back after this
TIMEOUT = 10  # seconds
USER_AGENT = "Kundsvar-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between attempts."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


@transaction.atomic
def fire(shop, event: str, payload: dict, *, now: datetime | None = None) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of `shop` that wants it. Call it inside
    the write that caused the event: nothing is sent if that write rolls back."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    now = now or timezone.now()
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(shop=shop, active=True) if e.wants(event)
    ]  # few per shop; JSON "contains" is not portable to SQLite
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, payload=payload, created_at=now, next_attempt_at=now
        )
        for endpoint in endpoints
    ]
    _enqueue_on_commit([d.pk for d in deliveries])
    return deliveries


def _enqueue_on_commit(ids: list[int]) -> None:
    from .tasks import send_webhook  # the task module imports this one

    for pk in ids:
        transaction.on_commit(partial(send_webhook.enqueue, pk))


def body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed); the same on every attempt."""
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(
        envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def signature(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


class DeliveryError(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: a failure, not a GET to somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    """POST the delivery; the status code if it was 2xx, else DeliveryError."""
    if urlsplit(endpoint.url).scheme not in ("http", "https"):
        raise DeliveryError("Only http and https URLs are called.")
    raw = body(delivery)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        endpoint.url,
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Kundsvar-Event": delivery.event,
            "X-Kundsvar-Delivery": str(delivery.pk),
            "X-Kundsvar-Signature": signature(endpoint.secret, raw),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            response.read(4096)
            return response.status
    except urllib.error.HTTPError as error:
        answer = error.read(300).decode("utf-8", "replace").strip()
        raise DeliveryError(f"HTTP {error.code} {answer}".strip(), status=error.code) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from None


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the row for one attempt; False when another worker has it or it is done."""
    return bool(
        WebhookDelivery.objects.filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
            pk=delivery_id,
            state=DeliveryState.QUEUED,
        ).update(next_attempt_at=now + LEASE)
    )


def send(delivery_id: int, now: datetime | None = None) -> str:
    """One attempt: "sent", "retry", "failed", or "skipped" (not due, or taken)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED,
            next_attempt_at=None,
            last_error="The endpoint was switched off before this was sent.",
        )
        return "failed"
    try:
        status = post(delivery.endpoint, delivery)
    except Exception as error:  # any failure is retried, and shown on the row
        return _failed(delivery, error, now)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT,
        delivered_at=now,
        attempts=delivery.attempts + 1,
        last_status_code=status,
        last_error="",
        next_attempt_at=None,
    )
    return "sent"


def _failed(delivery: WebhookDelivery, error: Exception, now: datetime) -> str:
    attempts = delivery.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    log.warning(
        "webhook delivery %s to %s failed (attempt %s): %s",
        delivery.pk,
        delivery.endpoint.url,
        attempts,
        error,
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_status_code=getattr(error, "status", None),
        last_error=str(error)[:2000] or type(error).__name__,
        state=DeliveryState.FAILED if final else DeliveryState.QUEUED,
        next_attempt_at=None if final else now + backoff(attempts),
    )
    return "failed" if final else "retry"


def send_due(now: datetime | None = None) -> int:
    """Send every delivery whose next attempt is due (the worker calls this every 30 s)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now)
    return sum(send(pk, now) == "sent" for pk in due.values_list("pk", flat=True)[:500])


@transaction.atomic
def send_again(deliveries: QuerySet[WebhookDelivery], *, now: datetime | None = None) -> int:
    """Queue failed (or stuck) deliveries for a fresh series of attempts."""
    now = now or timezone.now()
    ids = list(deliveries.exclude(state=DeliveryState.SENT).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        state=DeliveryState.QUEUED, attempts=0, next_attempt_at=now
    )
    _enqueue_on_commit(ids)
    return len(ids)
