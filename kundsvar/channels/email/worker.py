"""The worker's side of inbound mail: claim stored messages and process them in batches.

`pipeline.accept` only stores the raw bytes and the RawMessage row, then enqueues
`tasks.process_inbound`; the SMTP/HTTP answer (250/202) never waits for parsing,
threading or the acknowledgement. Here a worker claims pending rows, a batch at a time,
and runs `pipeline.process` on each: every message commits or fails on its own (A6),
while the shop's settings are read once per batch (core.batchcache).

Several workers may run at once on PostgreSQL: the claim takes rows with
SELECT … FOR UPDATE SKIP LOCKED and marks them PROCESSING in the same transaction, so
two workers never get the same row; the claim counts the attempt, so `process` need
not claim each row again. SQLite has a single writer (and the claim's transaction takes
its write lock at BEGIN); there, one worker.
"""

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kundsvar.core import batchcache
from kundsvar.shops.models import Shop

from . import pipeline
from .models import RawMessage, RawState

log = logging.getLogger(__name__)
BATCH = 50  # rows per claim: large enough to share the shop's settings, small enough to
# finish well inside pipeline.PROCESSING_LEASE and to spread a burst over the workers


def claim(limit: int = BATCH, *, besides: Sequence[int] = ()) -> list[RawMessage]:
    """Take up to `limit` pending rows, oldest first, for this worker alone (not the rows
    `besides`, which the caller has in hand already)."""
    with transaction.atomic():
        pending = (
            RawMessage.objects.filter(state=RawState.PENDING)
            .exclude(pk__in=besides)
            .order_by("received_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending[:limit])
        # Only rows still PENDING: a row taken meanwhile (SQLite without row locks, or
        # accept's own task) is left to whoever took it. The attempt is counted here, as
        # pipeline.claim counts it, so processing does not claim each row again.
        taken = RawMessage.objects.filter(
            pk__in=[row.pk for row in rows], state=RawState.PENDING
        ).update(state=RawState.PROCESSING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if taken != len(rows):
        still = dict(
            RawMessage.objects.filter(
                pk__in=[row.pk for row in rows], state=RawState.PROCESSING
            ).values_list("pk", "attempts")
        )
        rows = [row for row in rows if still.get(row.pk) == row.attempts + 1]
    for row in rows:
        row.attempts += 1
    return rows


def process_rows(rows: list[RawMessage]) -> int:
    """Process claimed rows (`claim`, `pipeline.claim`) in one batch; returns how many
    were processed. One message failing never stops the others (pipeline.process keeps
    it, A6)."""
    if not rows:
        return 0
    shops = Shop.objects.in_bulk({row.shop_id for row in rows if row.shop_id})
    for row in rows:
        if row.shop_id in shops:
            row.shop = shops[row.shop_id]  # one instance per shop for the whole batch
    with batchcache.batch(carry=True), _asynchronous_commits():
        try:
            pipeline.process_batch(rows)
        except Exception:  # noqa: BLE001 — the rows stay; retry_failed takes them up (A6)
            log.exception("processing a batch of %s raw messages died", len(rows))
    return len(rows)


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """PostgreSQL: no WAL flush per commit while processing (settings
    MAIL_WORKER_ASYNC_COMMIT). Besides its batch's commit, a message's acknowledgement
    and limits commit on their own; waiting for the disk at each was most of its cost.
    Accepting stays durable: that is another connection, or, in this one, after the
    batch."""
    if (
        connection.vendor != "postgresql"
        or not settings.MAIL_WORKER_ASYNC_COMMIT
        or connection.in_atomic_block
    ):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def process_pending(limit: int = BATCH) -> int:
    """Claim a batch of pending messages and process them; 0 when there were none."""
    return process_rows(claim(limit))


def process_ids(ids: list[int]) -> int:
    """Process the named rows if they still wait (the message whose acceptance queued
    this task), with whatever else is pending, a batch at a time until nothing waits:
    mail accepted while this task waited queued no task of its own (pipeline
    ._hand_to_worker). A row another worker is already processing is left alone."""
    named = RawMessage.objects.filter(pk__in=ids, state__in=[RawState.PENDING, RawState.FAILED])
    rows = [row for row in named if pipeline.claim(row)]
    rows += claim(BATCH - len(rows), besides=[row.pk for row in rows])
    done = 0
    while rows:
        done += process_rows(rows)
        rows = claim()
    return done


def warm_up() -> None:
    """Load once, before the first message, what a worker otherwise loads while the first
    batch waits: the URLconf (links in the acknowledgement), the language model, the
    holiday tables, the acknowledgement's templates and the URL reverse table in each
    customer language (some 3 s of CPU in all). A long-running worker pays it once
    either way; a benchmark measures the steady state."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    from kundsvar.core.language import CUSTOMER_LANGUAGES, guess_language
    from kundsvar.sla.calendar import is_holiday

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports every app's views and URLs
    for language in CUSTOMER_LANGUAGES:  # links are made in the customer's language, and
        with translation.override(language):  # the reverse table is built once per language
            resolver.reverse_dict  # noqa: B018
    guess_language("tack för hjälpen med min beställning")
    for country in ("SE", "NO", "DK", "FI"):
        is_holiday(country, timezone.localdate())
    for name in ("ack_subject.txt", "ack.txt", "ack.html"):
        get_template(f"emails/{name}")
    # All of it lives as long as the process: out of the cyclic garbage collector's way.
    # Its full collections walked every object of Django, the apps and the libraries
    # (some 50 ms each, a dozen in 3,000 mails: 0.2 ms a message); frozen, they walk what
    # the mail in hand made.
    gc.collect()
    gc.freeze()
