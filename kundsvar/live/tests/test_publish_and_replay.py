"""Stored events per stream, numbered without gaps; the Server-Sent Events text replays
what came after Last-Event-ID and then follows the stream; signals are never stored."""

import asyncio
import functools
import json

import pytest
from django.db import transaction
from django.test import RequestFactory

from kundsvar.live import services, sse
from kundsvar.live.brokers import HUB, LocalBroker, Note
from kundsvar.live.models import LiveEvent

from .helpers import closing, run_async


def _frames(text: str) -> list[dict]:
    """The events in SSE text: each with its id (None for a signal) and its data."""
    found = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            found.append({"id": fields.get("id"), **json.loads(fields["data"])})
    return found


@pytest.mark.django_db
def test_each_stream_is_numbered_from_one_without_gaps():
    for text in ("a", "b"):
        services.publish("chat.1", "message", {"text": text})
    services.publish("chat.2", "message", {"text": "c"})
    rows = LiveEvent.objects.values_list("stream", "seq")
    assert sorted(rows) == [("chat.1", 1), ("chat.1", 2), ("chat.2", 1)]


@pytest.mark.django_db
def test_a_rolled_back_event_is_neither_stored_nor_announced(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as announced:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.publish("chat.1", "message", {"text": "x"})
            raise RuntimeError
    assert announced == [] and not LiveEvent.objects.exists()
    assert services.publish("chat.1", "message", {}).seq == 1  # the number was not spent


def test_last_event_id_wins_over_the_after_parameter():
    request = RequestFactory().get("/x?after=3", HTTP_LAST_EVENT_ID="7")
    assert sse.last_seen(request) == 7
    assert sse.last_seen(RequestFactory().get("/x?after=3")) == 3
    assert sse.last_seen(RequestFactory().get("/x?after=nonsense")) == 0


async def _read(generator, until: int, timeout: float = 5) -> str:
    """The stream's text until `until` data frames came (or the timeout)."""
    text = ""
    async with asyncio.timeout(timeout):
        async for chunk in generator:
            text += chunk
            if len(_frames(text)) >= until:
                break
    return text


@pytest.mark.django_db(transaction=True)
def test_a_reconnect_gets_what_it_missed_then_the_live_events():
    for n in range(1, 5):
        services.publish("chat.9", "message", {"n": n})

    async def scenario():
        stream = sse.events("chat.9", 2, keepalive=5)  # the browser saw 1 and 2
        first = await _read(stream, until=2)
        # Now live: one stored event (another thread, like a sync view) and a signal.
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, closing, services.publish, "chat.9", "message", {"n": 5})
        await loop.run_in_executor(
            None, closing, services.signal, "chat.9", "typing", {"who": "Alice"}
        )
        rest = await _read(stream, until=2)
        await stream.aclose()
        return _frames(first), _frames(rest)

    replayed, live = run_async(scenario)
    assert [(f["id"], f["n"]) for f in replayed] == [("3", 3), ("4", 4)]
    assert [(f["id"], f["kind"]) for f in live] == [("5", "message"), (None, "typing")]
    assert HUB.listening("chat.9") == 0  # the closed response unsubscribed


@pytest.mark.django_db(transaction=True)
def test_a_jump_in_numbers_is_read_from_the_table():
    """A note with a number further on than the next (a missed notification): the
    response reads the gap from the table and sends every event in order."""

    async def scenario():
        stream = sse.events("chat.3", 0, keepalive=5)
        reading = asyncio.ensure_future(_read(stream, until=3))
        await asyncio.sleep(0.3)  # subscribed, nothing stored yet
        loop = asyncio.get_running_loop()
        # Stored without telling anybody (as if their notifications were lost) …
        for n in (1, 2, 3):
            await loop.run_in_executor(
                None, closing, functools.partial(LiveEvent.objects.create, **_row(n))
            )
        # … then the third one's note arrives.
        HUB.deliver(Note("chat.3", "message", {"n": 3}, 3))
        text = await reading
        await stream.aclose()
        return _frames(text)

    frames = run_async(scenario)
    assert [f["id"] for f in frames] == ["1", "2", "3"]


def _row(n: int) -> dict:
    from django.utils import timezone

    return {
        "stream": "chat.3",
        "seq": n,
        "kind": "message",
        "data": {"n": n},
        "created_at": timezone.now(),
    }


def test_a_slow_listener_is_told_to_reread_instead_of_growing_without_end():
    async def scenario():
        subscription = HUB.subscribe("chat.slow")
        try:
            for n in range(600):
                subscription.put(Note("chat.slow", "message", {}, n + 1))
            notes = []
            while (note := await subscription.get(0.01)) is not None:
                notes.append(note)
            return notes
        finally:
            subscription.close()

    notes = run_async(scenario)
    assert len(notes) < 600 and any(n.kind == "resync" for n in notes)


def test_the_local_broker_wakes_listeners_of_that_stream_only():
    async def scenario():
        mine, other = HUB.subscribe("chat.a"), HUB.subscribe("chat.b")
        try:
            LocalBroker().announce(Note("chat.a", "typing", {"who": "Bo"}))
            return await mine.get(1), await other.get(0.05)
        finally:
            mine.close()
            other.close()

    got, nothing = run_async(scenario)
    assert got.data == {"who": "Bo"} and nothing is None


@pytest.mark.django_db
def test_old_events_are_pruned(now):
    from datetime import timedelta

    services.publish("chat.1", "message", {}, now=now - timedelta(days=3))
    services.publish("chat.1", "message", {}, now=now)
    assert services.prune(now=now) == 1
    assert list(LiveEvent.objects.values_list("seq", flat=True)) == [2]
