"""Read-mostly shop data kept for the duration of one batch of work.

A worker that processes a burst of mail reads the same shop's response policy, opening
hours, special days and help articles for every message. Inside `batch()` such loaders
(`cached`) keep the value for the rest of the batch; outside a batch (the web, tests,
a single task) every call loads afresh, so nothing can go stale there.

A batch is short (one claim of pending messages), so a change made by another process
is seen from the next batch on. A change made in this process during a batch is seen at
once: the services that save these settings call `forget(shop_id)`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_scope: ContextVar[dict | None] = ContextVar("kundsvar_batch_cache", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Cache loaders called through `cached` until the block ends (nested: the outer one)."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


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
