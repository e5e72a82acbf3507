"""Run a function in several threads at once, each with its own database connection (for
tests of concurrent writers on PostgreSQL; they need `django_db(transaction=True)`)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import connection, connections, transaction

T = TypeVar("T")


def at_once(work: Callable[[], T], threads: int) -> list[T]:
    """`work()` in `threads` threads released together; its results, in no order. An
    exception in any thread fails the caller's test with it."""
    start = threading.Barrier(threads)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as error:  # noqa: BLE001 (raised again below)
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return results


@contextmanager
def held_open(work: Callable[[], T]) -> Iterator[T]:
    """`work()` in a transaction of another thread (its own connection), left open while
    the block runs, as a worker's batch is while it writes; committed when the block
    ends. Yields what `work` returned."""
    done, release = threading.Event(), threading.Event()
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with transaction.atomic():
                results.append(work())
                done.set()
                release.wait(30)
        except BaseException as error:  # noqa: BLE001 (raised again below)
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    holder = threading.Thread(target=run)
    holder.start()
    try:
        done.wait(30)
        if errors:
            raise errors[0]
        yield results[0]
    finally:
        release.set()
        holder.join()


def refuse_to_wait() -> None:
    """In the current transaction, waiting for another's lock is an error after a second."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '1s'")
