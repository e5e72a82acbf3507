"""Read-mostly shop data kept for the duration of one batch of work.

A worker that processes a burst of mail reads the same shop's response policy, opening
hours, special days and help articles for every message. Inside `batch()` such loaders
(`cached`) keep the value for the rest of the batch; outside a batch (the web, tests,
a single task) every call loads afresh, so nothing can go stale there.

A batch is short (one claim of pending messages), so a change made by another process
is seen from the next batch on. A change made in this process during a batch is seen at
once: the services that save these settings call `forget(shop_id)`.

Work that can be done once for the whole batch (one search-reindex task for every case
the batch touched, one send task for every acknowledgement) is collected with
`after_batch` and done when the batch ends.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_scope: ContextVar[dict | None] = ContextVar("kundsvar_batch_cache", default=None)
_later: ContextVar[dict | None] = ContextVar("kundsvar_batch_later", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Cache loaders called through `cached` until the block ends (nested: the outer one),
    then do the work collected by `after_batch`."""
    if _scope.get() is not None:
        yield
        return
    token, later = _scope.set({}), _later.set({})
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


def forget(shop_id: int | None) -> None:
    """Drop what the open batch keeps for `shop_id` (its settings just changed)."""
    values = _scope.get()
    if values:
        for full in [k for k in values if k[0] == shop_id]:
            del values[full]
