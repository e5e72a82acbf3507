"""Store first, then process: a provider's webhook body becomes an `InboundHook` row in the
request, before anything parses it, and is processed after commit by its channel's
processor. A processor that raises leaves the row waiting for a retry with growing pauses;
after the last attempt it is FAILED and shown to the shop with its error (A6). Processors
must be idempotent (a retried row, a provider's redelivery): use the provider's own ids."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import HookState, InboundHook

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)  # a worker that dies mid-run gives the row back after this
KEPT_HEADERS = ("content-type", "user-agent", "x-hub-signature-256", "x-twilio-signature")


def kept_headers(request) -> dict[str, str]:
    """The headers worth keeping with the body, to see later what the provider sent."""
    return {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}


def store(
    *,
    provider: str,
    processor: str,
    body: bytes,
    shop=None,
    kind: str = "",
    external_id: str = "",
    content_type: str = "",
    headers: dict | None = None,
    now: datetime | None = None,
) -> tuple[InboundHook, bool]:
    """Keep a webhook body and queue its processing. A redelivery of an event already
    stored (same provider and `external_id`) returns the first row and False."""
    now = now or timezone.now()
    external_id = external_id[:200]
    try:
        with transaction.atomic():
            hook = InboundHook.objects.create(
                provider=provider,
                kind=kind[:32],
                shop=shop,
                external_id=external_id,
                content_type=content_type[:100],
                body=bytes(body),
                headers=headers or {},
                processor=processor,
                received_at=now,
                next_attempt_at=now,
            )
    except IntegrityError:
        if not external_id:
            raise
        return InboundHook.objects.get(provider=provider, external_id=external_id), False
    transaction.on_commit(lambda: _enqueue(hook.pk))
    return hook, True


def _enqueue(hook_id: int) -> None:
    from . import tasks

    tasks.process_hook.enqueue(hook_id)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=1) * 2 ** max(attempts - 1, 0), timedelta(hours=1))


def claim(hook_id: int, now: datetime) -> InboundHook | None:
    """Take a waiting row for one attempt (a conditional UPDATE: of two workers, one
    gets it), or None when it is done, failed, or another worker has it."""
    taken = InboundHook.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        pk=hook_id,
        state=HookState.PENDING,
    ).update(next_attempt_at=now + LEASE)
    return InboundHook.objects.filter(pk=hook_id).first() if taken else None


def process(hook_id: int, now: datetime | None = None) -> str:
    """Run the row's processor once: DONE, or a retry later, or FAILED after the last
    attempt. Returns the state."""
    now = now or timezone.now()
    hook = claim(hook_id, now)
    if hook is None:
        return "skipped"
    attempts = hook.attempts + 1
    try:
        import_string(hook.processor)(hook)
    except Exception as error:  # any failure: kept, retried, shown (A6)
        log.exception("inbound hook %s failed", hook.pk)
        final = attempts >= MAX_ATTEMPTS
        InboundHook.objects.filter(pk=hook.pk).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            state=HookState.FAILED if final else HookState.PENDING,
            next_attempt_at=None if final else now + backoff(attempts),
        )
        return HookState.FAILED if final else "retry"
    InboundHook.objects.filter(pk=hook.pk).update(
        attempts=attempts,
        state=HookState.DONE,
        processed_at=now,
        last_error="",
        next_attempt_at=None,
    )
    return HookState.DONE


def process_due(now: datetime | None = None, limit: int = 500) -> int:
    """Rows still waiting whose time has come: a retry, or one whose worker died."""
    now = now or timezone.now()
    due = InboundHook.objects.filter(state=HookState.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(process(hook_id, now) == HookState.DONE for hook_id in ids)


def retry(hook: InboundHook, now: datetime | None = None) -> None:
    """A person asks for a failed row to be tried again (after a fix)."""
    InboundHook.objects.filter(pk=hook.pk, state=HookState.FAILED).update(
        state=HookState.PENDING, attempts=0, next_attempt_at=now or timezone.now()
    )
