"""Webhook receipts: the raw body is stored first, then processed (rules O1, A6).

The order of work, for every platform:

1. The view verifies the signature; nothing at all is stored for a bad one.
2. `receive` stores the raw body as a `WebhookReceipt`. The platform's webhook id is
   unique per shop, so a redelivery finds the first receipt and changes nothing.
3. `process` runs the connector's handler in one transaction, holding the receipt row.

What `receipt.error` says afterwards (and `processed_at` is None in all three cases):

* ``waiting for order <id>`` — the parcel or refund arrived before its order. It is
  processed as soon as that order is saved (`replay_waiting`). Answered 200: nothing
  for the platform to retry. (We chose this over an empty "shell" order: a shell would
  have no number, date or customer, and could be shown or messaged about.)
* ``rejected: …`` — the payload itself cannot be understood (missing fields). Answered
  200, because a retry would send the same bytes; the body is kept for a human.
* ``rejected: unparseable …`` — not JSON at all, or JSON nested deeper than the parser
  goes (a RecursionError). Answered 400, a bad request, after the body is stored; the
  platform's retry of the same delivery is a duplicate (200), so nothing loops.
* ``failed: …`` — anything else (a database hiccup, a bug). Shopify is answered 500, so
  it retries (up to 8 times in 4 hours, same webhook id) and the retry processes the
  kept receipt again. WooCommerce is answered 200 instead: it does not retry and turns a
  webhook off after 5 failures, so `reprocess` (command `reprocess-webhooks`) is the
  retry there.
"""

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import WebhookReceipt

logger = logging.getLogger(__name__)

WAITING = "waiting for order "
REJECTED = "rejected: "
FAILED = "failed: "

PROCESSED, DUPLICATE, WAITING_STATE, REJECTED_STATE, FAILED_STATE = (
    "processed",
    "duplicate",
    "waiting",
    "rejected",
    "failed",
)
UNPARSEABLE_STATE = "unparseable"


class Unparseable(ValueError):
    """The body is not JSON we can read: bad bytes, bad syntax, or too deep."""


@dataclass
class Result:
    """What a connector's handler did: the order ids it saved (so receipts waiting for
    them can be replayed), or the order id it is waiting for."""

    saved_orders: list[str] = field(default_factory=list)
    waiting_for: str = ""


def load_json(body: bytes):
    """Platform JSON with every number as Decimal or int: money never passes through float."""
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        # are ValueErrors; a 100,000-deep array exhausts the parser's recursion instead.
        raise Unparseable(f"unparseable {type(exc).__name__}: {str(exc)[:200]}") from exc


def receive(
    shop, platform: str, webhook_id: str, topic: str, body: bytes
) -> tuple[WebhookReceipt, bool]:
    """Store the raw body; (receipt, created). A known webhook id returns the first one."""
    try:
        with transaction.atomic():
            receipt = WebhookReceipt.objects.create(
                shop=shop,
                platform=platform,
                webhook_id=webhook_id[:120],
                topic=topic[:80],
                body=body,
                received_at=timezone.now(),
            )
            return receipt, True
    except IntegrityError:
        return WebhookReceipt.objects.get(
            shop=shop, platform=platform, webhook_id=webhook_id[:120]
        ), False


def needs_processing(receipt: WebhookReceipt, *, rejected: bool = False) -> bool:
    """Not yet done, and not parked: new, or failed before (a platform retry); with
    `rejected`, also one rejected as unreadable (a person retries after a fix)."""
    error = receipt.error
    return receipt.processed_at is None and (
        not error or error.startswith(FAILED) or (rejected and error.startswith(REJECTED))
    )


def process(receipt: WebhookReceipt, handler, *, rejected: bool = False) -> str:
    """Run `handler(shop, topic, payload) -> Result` for the receipt; returns a state."""
    try:
        with transaction.atomic():
            locked = WebhookReceipt.objects.select_for_update().get(pk=receipt.pk)
            if not needs_processing(locked, rejected=rejected):
                return DUPLICATE  # another delivery got there first
            state = _run(locked, handler)
    except Unparseable as exc:
        WebhookReceipt.objects.filter(pk=receipt.pk).update(error=(REJECTED + str(exc))[:2000])
        logger.warning("webhook %s %s: %s", receipt.platform, receipt.webhook_id, exc)
        return UNPARSEABLE_STATE
    except (ValueError, KeyError, TypeError) as exc:
        _park(receipt, REJECTED, exc)
        return REJECTED_STATE
    except Exception as exc:  # keep the body and the reason; the caller decides on retry
        _park(receipt, FAILED, exc)
        return FAILED_STATE
    return state


def _run(receipt: WebhookReceipt, handler) -> str:
    result = handler(receipt.shop, receipt.topic, load_json(bytes(receipt.body)))
    if result.waiting_for:
        receipt.error = WAITING + str(result.waiting_for)
        receipt.save(update_fields=["error"])
        return WAITING_STATE
    receipt.processed_at = timezone.now()
    receipt.error = ""
    receipt.save(update_fields=["processed_at", "error"])
    for external_id in result.saved_orders:
        replay_waiting(receipt.shop, receipt.platform, external_id, handler)
    return PROCESSED


def replay_waiting(shop, platform: str, order_external_id: str, handler) -> int:
    """Process receipts that arrived before order `order_external_id`, oldest first.
    Runs inside the caller's transaction; each replay in its own savepoint."""
    waiting = (
        WebhookReceipt.objects.select_for_update()
        .filter(
            shop=shop,
            platform=platform,
            processed_at__isnull=True,
            error=WAITING + str(order_external_id),
        )
        .order_by("received_at", "id")
    )
    done = 0
    for receipt in waiting:
        try:
            with transaction.atomic():
                if _run(receipt, handler) == PROCESSED:
                    done += 1
        except Exception as exc:
            _park(receipt, FAILED, exc)
    return done


def _park(receipt: WebhookReceipt, prefix: str, exc: Exception) -> None:
    logger.warning(
        "webhook %s %s not processed", receipt.platform, receipt.webhook_id, exc_info=exc
    )
    text = (prefix + f"{type(exc).__name__}: {exc}")[:2000]
    WebhookReceipt.objects.filter(pk=receipt.pk).update(error=text)


def reprocess(receipts, handlers: dict, *, rejected: bool = False) -> dict[str, int]:
    """Try failed receipts again (after a fix, or for WooCommerce which never retries).
    `handlers` maps a platform to its handler. Returns counts per resulting state."""
    counts: dict[str, int] = {}
    for receipt in receipts:
        if not needs_processing(receipt, rejected=rejected):
            continue
        state = process(receipt, handlers[receipt.platform], rejected=rejected)
        counts[state] = counts.get(state, 0) + 1
    return counts
