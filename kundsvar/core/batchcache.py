"""Read-mostly shop data kept for the duration of one batch of work.

A worker that processes a burst of mail reads the same shop's response policy, opening
hours, special days and help articles for every message. Inside `batch()` such loaders
(`cached`) keep the value for the rest of the batch; outside a batch (the web, tests,
a single task) every call loads afresh, so nothing can go stale there.

A batch is short (one claim of pending messages). The mail worker carries what it
loaded from one batch to the next (`batch(carry=True)`) for at most `KEEP_SECONDS`
after loading it: in a steady stream of mail its batches are small (a few messages
each, as fast as they come), and loading a dozen settings for every one of them was a
sixth of its work. So a change made by another process (the owner saving opening hours
in the web) is seen by the worker within `KEEP_SECONDS` and the batch under way. A
change made in this process is seen at once: the services that save these settings call
`forget(shop_id)`.

Work that can be done once for the whole batch (one search-reindex task for every case
the batch touched, one send task for every acknowledgement) is collected with
`after_batch` and done when the batch ends.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_scope: ContextVar[dict | None] = ContextVar("kundsvar_batch_cache", default=None)
_later: ContextVar[dict | None] = ContextVar("kundsvar_batch_later", default=None)
KEEP_SECONDS = 2.0  # how long values loaded by a carrying batch serve the batches after it
_carried = threading.local()  # .kept: (monotonic time loaded, values) of this thread
_clock = time.monotonic


@contextmanager
def batch(*, carry: bool = False) -> Iterator[None]:
    """Cache loaders called through `cached` until the block ends (nested: the outer one),
    then do the work collected by `after_batch`. With `carry`, start from what an earlier
    carrying batch of this thread loaded, if that was less than KEEP_SECONDS ago."""
    if _scope.get() is not None:
        yield
        return
    token, later = _scope.set(_kept() if carry else {}), _later.set({})
    try:
        yield
    finally:
        collected = _later.get() or {}
        _scope.reset(token)
        _later.reset(later)
        _flush(collected)


def after_batch(key: str, items: Iterable, run: Callable[[list], object]) -> bool:
    """Inside a batch: keep `items` under `key`, and call `run` once with every item kept
    under it (in order, each once) when the batch ends. Outside a batch: False, and the
    caller does its work now."""
    later = _later.get()
    if later is None:
        return False
    kept, _ = later.setdefault(key, ({}, run))
    kept.update(dict.fromkeys(items))
    return True


def _flush(collected: dict) -> None:
    for key, (kept, run) in collected.items():
        try:
            run(list(kept))
        except Exception:  # noqa: BLE001 — the batch's messages are stored; log, go on
            log.exception("the batch's %s failed", key)


def active() -> bool:
    """Is a batch open? (Worth a query for the whole batch to save one per message.)"""
    return _scope.get() is not None


def cached(shop_id: int | None, key: tuple, load: Callable[[], T]) -> T:
    """`load()`, kept under (shop_id, *key) while a batch is open."""
    values = _scope.get()
    if values is None or shop_id is None:
        return load()
    full = (shop_id, *key)
    if full not in values:
        values[full] = load()
    return values[full]


def _kept() -> dict:
    now = _clock()
    kept = getattr(_carried, "kept", None)
    if kept is None or now - kept[0] >= KEEP_SECONDS:
        kept = _carried.kept = (now, {})
    return kept[1]


def forget(shop_id: int | None) -> None:
    """Drop what the open batch, and this thread's carried values, keep for `shop_id`
    (its settings just changed)."""
    kept = getattr(_carried, "kept", None)
    for values in (_scope.get(), kept[1] if kept else None):
        if values:
            for full in [k for k in values if k[0] == shop_id]:
                del values[full]


def drop_carried() -> None:
    """Forget everything carried between batches (tests: the next one's shops are new)."""
    _carried.kept = None
