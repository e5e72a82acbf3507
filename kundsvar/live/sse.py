"""Server-Sent Events from async views (under uvicorn), with replay by Last-Event-ID.

A response subscribes to its stream first, then sends what was stored after the
number the browser last saw (the `Last-Event-ID` header an EventSource sends when it
reconnects, or `?after=` on the first connect), then each note as it comes. A note with
the next number is sent as it is; a jump, a lost connection or a quiet spell makes it
reread the table, so a reconnect or a missed notification loses nothing. Signals
(typing) carry no id and are never replayed.

`poll` answers the fallback for browsers behind something that blocks event streams:
the same events as JSON, fetched every few seconds."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

from . import queries
from .brokers import RESYNC, TRUNCATED, Note, broker

__all__ = ["Note", "events", "last_seen", "last_seq_of", "poll", "read", "response"]

KEEPALIVE_SECONDS = 15.0  # a comment line, so proxies keep the connection
REREAD_EVERY = 4  # keepalives: the table is reread once a minute in a quiet stream, in case
RETRY_MS = 2000


def last_seen(request) -> int:
    """The number the browser saw last: Last-Event-ID on a reconnect, else ?after=."""
    for value in (request.headers.get("Last-Event-ID", ""), request.GET.get("after", "")):
        value = value.strip()
        if value.isdigit():
            return int(value)
    return 0


def as_json(note: Note) -> dict:
    return {**note.data, "kind": note.kind, "seq": note.seq}


def frame(note: Note) -> str:
    data = json.dumps(as_json(note), separators=(",", ":"), ensure_ascii=False)
    head = f"id: {note.seq}\n" if note.seq is not None else ""
    return f"{head}data: {data}\n\n"


async def read(function, *args):
    """Run a sync database read on the live threads (see queries.EXECUTOR)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(queries.EXECUTOR, partial(queries.run, function, *args))


Hello = Callable[[], Awaitable[list[Note]]]


async def release_request_connections() -> None:
    """Give back the database connections this request has opened so far (the session
    and the user, read by the middleware in the request's own thread). An async view
    calls it before it first waits for the live threads (`read`), and the stream before
    it waits for news: otherwise every open stream holds a connection for hours, a few
    hundred exhaust PostgreSQL's `max_connections`, and with a pool the requests that
    hold the pool's connections wait for live threads that wait for the pool."""
    await sync_to_async(queries.release_connections)()


async def events(
    stream: str,
    after: int,
    *,
    hello: Hello | None = None,
    keepalive: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[str]:
    """The event stream's text, frame by frame, until the client goes away. `hello`
    gives signals to send first (a chat's place in the queue right now)."""
    live = broker()
    subscription = live.hub.subscribe(stream)  # before the replay: nothing falls between
    try:
        await release_request_connections()
        await live.ensure_running()
        yield f"retry: {RETRY_MS}\n\n"
        for note in await hello() if hello else ():
            yield frame(note)
        last = after
        for note in await read(queries.events_after, stream, last):
            yield frame(note)
            last = note.seq
        quiet = 0
        while True:
            note = await subscription.get(keepalive)
            if note is None:
                yield ": keepalive\n\n"
                quiet += 1
                if quiet % REREAD_EVERY:
                    continue
            elif note.seq is None and note.kind != RESYNC:
                yield frame(note)
                continue
            elif note.kind != RESYNC and note.seq == last + 1 and TRUNCATED not in note.data:
                yield frame(note)
                last = note.seq
                continue
            elif note.seq is not None and note.seq <= last:
                continue  # seen already (our own note back from another broker)
            for stored in await read(queries.events_after, stream, last):
                yield frame(stored)
                last = stored.seq
    finally:
        subscription.close()


def response(stream: str, after: int, *, hello: Hello | None = None) -> StreamingHttpResponse:
    stream_response = StreamingHttpResponse(
        events(stream, after, hello=hello), content_type="text/event-stream; charset=utf-8"
    )
    stream_response["Cache-Control"] = "no-cache, no-store"
    stream_response["X-Accel-Buffering"] = "no"  # nginx: pass each frame on at once
    return stream_response


def last_seq_of(stream: str) -> int:
    """Where a page rendered now starts listening (sync)."""
    return queries.last_seq(stream)


def poll(stream: str, after: int) -> dict:
    """The polling fallback's answer (sync: a plain view calls it)."""
    notes = queries.events_after(stream, after)
    return {"events": [as_json(n) for n in notes], "last": notes[-1].seq if notes else after}
