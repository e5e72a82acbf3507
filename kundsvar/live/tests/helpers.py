import asyncio
import threading

from django.db import connections


def closing(function, *args):
    """Run in a passing thread (a sync view's): its connection closed afterwards, or
    PostgreSQL will not drop the test database."""
    try:
        return function(*args)
    finally:
        connections.close_all()


def run_async(main):
    """`asyncio.run(main())` in a thread of its own: a test elsewhere in the session may
    leave an event loop marked as running in the main thread."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(main())
        except BaseException as error:  # noqa: BLE001 — handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
