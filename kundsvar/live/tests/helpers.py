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


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def heard_in_order(sender, listener, stream: str = "chat.9", count: int = 3) -> list:
    """`sender.announce_many` of `count` notes from another process; the positions the
    listening broker's hub hears, in the order it hears them."""
    from kundsvar.live.brokers import RESYNC, Note

    async def scenario():
        subscription = listener.hub.subscribe(stream)
        try:
            await listener.ensure_running()
            notes = [Note(stream, "queue", {"position": n}, origin="another") for n in range(count)]
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, closing, sender.announce_many, notes)
            heard: list = []
            while len(heard) < count and (note := await subscription.get(5)) is not None:
                if note.kind != RESYNC:
                    heard.append(note.data["position"])
            return heard
        finally:
            subscription.close()

    return run_async(scenario)
