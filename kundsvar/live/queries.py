"""Reads of the stored events, for the Server-Sent Events responses and the polling
fallback. Async code runs them on `EXECUTOR`: a few threads with a database connection
each, however many browsers listen (a thread per response would be a connection each)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connections
from django.db.models import Max

from .brokers import Note
from .models import LiveEvent

THREADS = 4
EXECUTOR = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="live-db")


def run(function, *args):
    """`function(*args)` on a live thread, its connection dropped after a database error
    (a restarted server) so the next call connects afresh. With a connection pool
    (PostgreSQL, `DB_POOL`) the connection goes back to the pool after each read, so
    these threads hold none while the streams wait."""
    try:
        return function(*args)
    except DatabaseError:
        connections.close_all()
        raise
    finally:
        if _pooled():
            release_connections()


def _pooled() -> bool:
    return bool(connections["default"].settings_dict.get("OPTIONS", {}).get("pool"))


def release_connections() -> None:
    """Close this thread's connections (back to the pool, if there is one), except one
    inside a transaction (a test's)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def close_connections() -> None:
    """Close the live threads' connections (tests, before the test database goes). One
    task per thread: each waits at the barrier until all threads hold one."""
    barrier = threading.Barrier(THREADS)

    def close():
        barrier.wait(timeout=10)
        connections.close_all()

    for future in [EXECUTOR.submit(close) for _ in range(THREADS)]:
        future.result()


REPLAY_LIMIT = 500


def events_after(stream: str, seq: int, limit: int = REPLAY_LIMIT) -> list[Note]:
    """The stored events of `stream` numbered above `seq`, oldest first."""
    rows = LiveEvent.objects.filter(stream=stream, seq__gt=seq).order_by("seq")[:limit]
    return [Note(e.stream, e.kind, e.data, e.seq, "") for e in rows]


def last_seq(stream: str) -> int:
    return LiveEvent.objects.filter(stream=stream).aggregate(last=Max("seq"))["last"] or 0


def last_event_id() -> int:
    return LiveEvent.objects.aggregate(last=Max("id"))["last"] or 0


def notes_after_id(last_id: int, limit: int = 1000) -> tuple[list[Note], int]:
    """Every stream's events stored after row `last_id` (the polling broker)."""
    rows = list(LiveEvent.objects.filter(id__gt=last_id).order_by("id")[:limit])
    notes = [Note(e.stream, e.kind, e.data, e.seq, "") for e in rows]
    return notes, rows[-1].id if rows else last_id
