"""Run a function in several threads at once, each with its own database connection (for
tests of concurrent writers on PostgreSQL; they need `django_db(transaction=True)`)."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

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
