"""Outgoing webhooks as rows: the webhook kind of the delivery machine (`core.delivery`
claims, leases, retries with backoff and keeps the failure visible; this module signs
and POSTs).

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
from collections.abc import Callable
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kundsvar.core import batchcache
from kundsvar.core import delivery as core_delivery

from .models import Event, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
# 16 attempts: about ten hours at the capped backoff (1, 2, 4 … 60 minutes).
MACHINE = core_delivery.Deliveries(WebhookDelivery, max_attempts=16)
MAX_ATTEMPTS = MACHINE.max_attempts
LEASE = MACHINE.lease  # a worker that dies mid-send gives the row back after this
backoff = MACHINE.backoff
TIMEOUT = 10  # seconds
USER_AGENT = "Kundsvar-Webhooks/1"


def fire(
    shop, event: str, payload: dict | Callable[[], dict], *, now: datetime | None = None
) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of `shop` that wants it. Call it inside
    the write that caused the event: nothing is sent if that write rolls back. `payload`
    may be a function: it is built only when an endpoint wants the event (most shops
    have none, and building a case's payload costs several queries)."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    endpoints = [e for e in _active_endpoints(shop) if e.wants(event)]
    if not endpoints:
        return []
    return _queue(endpoints, event, payload, now or timezone.now())


def _active_endpoints(shop) -> list[WebhookEndpoint]:
    """The shop's active endpoints; read once per batch of inbound mail (core.batchcache):
    every message fires an event, and most shops have no endpoint at all. Endpoints are
    edited in the admin (another process): a batch in progress sees them from the next."""
    return batchcache.cached(
        shop.pk,
        ("webhook_endpoints",),
        lambda: list(WebhookEndpoint.objects.filter(shop=shop, active=True)),
    )  # few per shop; JSON "contains" is not portable to SQLite


@transaction.atomic
def _queue(endpoints, event: str, payload, now: datetime) -> list[WebhookDelivery]:
    if callable(payload):
        payload = payload()
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


class DeliveryError(core_delivery.DeliveryError):
    """A failed POST, with the receiver's status code when it answered."""

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
    return MACHINE.claim(delivery_id, now)


def send(delivery_id: int, now: datetime | None = None) -> str:
    """One attempt: "sent", "retry", "failed", or "skipped" (not due, or taken)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    return _attempt(WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id), now)


def _attempt(row: WebhookDelivery, now: datetime) -> str:
    if not row.endpoint.active:
        return MACHINE.give_up(row, "The endpoint was switched off before this was sent.", now)
    done = MACHINE.attempt(row, _post, now, failure_fields=_status)
    if done.error is not None:
        log.warning(
            "webhook delivery %s to %s failed (attempt %s): %s",
            row.pk,
            row.endpoint.url,
            row.attempts + 1,
            done.error,
        )
    return done.result


def _post(row: WebhookDelivery) -> dict:
    return {"last_status_code": post(row.endpoint, row)}


def _status(error: Exception) -> dict:
    """What the receiver answered, kept with the failure (None when it did not)."""
    return {"last_status_code": getattr(error, "status", None)}


def send_due(now: datetime | None = None) -> int:
    """Send every delivery whose next attempt is due (the worker calls this every 30 s)."""
    now = now or timezone.now()
    rows = WebhookDelivery.objects.select_related("endpoint")
    return sum(_attempt(row, now) == "sent" for row in MACHINE.claim_due(now, rows))


@transaction.atomic
def send_again(deliveries: QuerySet[WebhookDelivery], *, now: datetime | None = None) -> int:
    """Queue failed deliveries for a fresh series of attempts, and make waiting ones due
    now. A delivery a worker is sending this moment is left alone (no double send)."""
    now = now or timezone.now()
    ids = MACHINE.retry_now(deliveries, now)
    _enqueue_on_commit(ids)
    return len(ids)


# -- the settings page -----------------------------------------------------------------------


@transaction.atomic
def add_endpoint(shop, url: str, events: list[str]) -> WebhookEndpoint:
    """A new endpoint with a new signing secret (the page shows it once)."""
    endpoint = WebhookEndpoint(shop=shop, url=url, events=events)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def new_secret(endpoint: WebhookEndpoint) -> str:
    """Replace the signing secret; deliveries from now on are signed with the new one."""
    from .models import new_secret as make

    endpoint.secret = make()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    endpoint.active = active
    endpoint.save(update_fields=["active"])


def send_test(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> WebhookDelivery:
    """A "test" event to this endpoint only, signed and logged like any other delivery."""
    now = now or timezone.now()
    payload = {"shop": endpoint.shop.slug, "message": "Test from Kundsvar"}
    return _queue([endpoint], Event.TEST, payload, now)[0]
