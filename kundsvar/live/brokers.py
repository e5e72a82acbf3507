"""Fan-out: a stored event (or a typing signal) reaches every browser listening to its
stream, in this process and in the other web processes.

In each process a `Hub` keeps the open subscriptions (one per Server-Sent Events
response) and wakes those of a stream. Across processes a broker carries the news:

- `LocalBroker`: one web process (the SQLite demo): the hub is all there is.
- `PollingBroker`: several processes on SQLite, which has no notifications: each
  process reads the new stored events every half second. Typing signals, never stored,
  reach only the listeners of the process that received them.
- `PostgresBroker`: `NOTIFY` after commit, one `LISTEN` connection (psycopg 3, async)
  per process.
- `RedisBroker`: `PUBLISH` after commit, one subscriber per process (redis-py, the
  optional extra `kundsvar[redis]`), when LIVE_REDIS_URL is set.

A note tells a subscriber what happened; the table stays the truth. Numbers per stream
have no gaps, so a subscriber that gets the next number shows the note as it is and one
that sees a jump reads the gap from the database (see `sse.py`)."""

import asyncio
import json
import logging
import os
import threading
import uuid
import weakref
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)
_ORIGINS: dict[int, str] = {}


def origin() -> str:
    """This process, in notes it sends (by pid: a forked worker is another process)."""
    pid = os.getpid()
    if pid not in _ORIGINS:
        _ORIGINS[pid] = f"{pid}-{uuid.uuid4().hex[:8]}"
    return _ORIGINS[pid]


PG_CHANNEL = "kundsvar_live"
PG_PAYLOAD_LIMIT = 7900  # NOTIFY payloads stop at 8000 bytes
QUEUE_LIMIT = 500  # notes a slow subscriber may fall behind before it rereads the table
TRUNCATED = "_truncated"  # in a note's data: too big for NOTIFY, read it from the table
RESYNC = "resync"  # a note kind: reread the table (after a lost connection, an overflow)


@dataclass(frozen=True)
class Note:
    stream: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None  # None: a signal (typing), never stored
    origin: str = field(default_factory=origin)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Note":
        raw = json.loads(text)
        return cls(raw["stream"], raw["kind"], raw.get("data") or {}, raw.get("seq"), raw["origin"])


class Subscription:
    """What one listener (a Server-Sent Events response) waits on."""

    def __init__(self, hub: "Hub", streams: tuple[str, ...], loop: asyncio.AbstractEventLoop):
        self.hub, self.streams, self.loop = hub, streams, loop
        self.queue: asyncio.Queue[Note] = asyncio.Queue()

    def put(self, note: Note) -> None:
        """In the subscriber's loop. A listener too slow to keep up rereads the table."""
        if self.queue.qsize() >= QUEUE_LIMIT:
            while not self.queue.empty():
                self.queue.get_nowait()
            note = Note(note.stream, RESYNC)
        self.queue.put_nowait(note)

    async def get(self, timeout: float) -> Note | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    def close(self) -> None:
        self.hub.unsubscribe(self)


class Hub:
    """The subscriptions of this process, by stream. `deliver` may be called from any
    thread (a sync view's on_commit); each subscription is woken in its own loop."""

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, *streams: str) -> Subscription:
        subscription = Subscription(self, streams, asyncio.get_running_loop())
        with self._lock:
            for stream in streams:
                self._streams[stream].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for stream in subscription.streams:
                listeners = self._streams.get(stream)
                if listeners is not None:
                    listeners.discard(subscription)
                    if not listeners:
                        del self._streams[stream]

    def deliver(self, note: Note) -> int:
        with self._lock:
            listeners = list(self._streams.get(note.stream, ()))
        for subscription in listeners:
            try:
                subscription.loop.call_soon_threadsafe(subscription.put, note)
            except RuntimeError:  # that loop has closed: its response is gone
                self.unsubscribe(subscription)
        return len(listeners)

    def resync_all(self) -> None:
        """Every listener rereads the table: notes may have been missed."""
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            self.deliver(Note(stream, RESYNC))

    def listening(self, stream: str) -> int:
        with self._lock:
            return len(self._streams.get(stream, ()))


HUB = Hub()


class LocalBroker:
    """One process: what is published here is delivered here."""

    name = "local"

    def __init__(self, hub: Hub = HUB):
        self.hub = hub

    def announce(self, note: Note) -> None:
        """Called after commit (stored events) or at once (signals), from sync code."""
        self.hub.deliver(note)

    def announce_many(self, notes: list[Note]) -> None:
        """Several at once (a whole queue's new places): one round trip where the
        carrier allows it."""
        for note in notes:
            self.announce(note)

    async def ensure_running(self) -> None:
        """Start what carries other processes' notes here, in the running loop."""


class _PerLoop(LocalBroker):
    """A broker with one background task per event loop (uvicorn has one per process)."""

    def __init__(self, hub: Hub = HUB):
        super().__init__(hub)
        self._tasks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        entry = self._tasks.get(loop)
        if entry is None or entry[0].done():
            ready = asyncio.Event()
            entry = (loop.create_task(self._run(ready)), ready)
            self._tasks[loop] = entry
        try:
            await asyncio.wait_for(entry[1].wait(), 5)
        except TimeoutError:
            log.warning(
                "the %s broker is not listening yet; polling the table meanwhile", self.name
            )

    async def _run(self, ready: asyncio.Event) -> None:
        raise NotImplementedError

    def _receive(self, payload: str | bytes) -> None:
        """A note from the wire; ours went to our hub already when it was announced."""
        try:
            note = Note.from_json(payload)
        except (ValueError, KeyError, TypeError):
            log.warning("an unreadable live note was ignored")
            return
        if note.origin != origin():
            self.hub.deliver(note)


class PollingBroker(_PerLoop):
    """SQLite with several web processes: every `interval` seconds one query per process
    for events stored since the last look (SQLite commits one writer at a time, so ids
    commit in order)."""

    name = "poll"

    def __init__(self, hub: Hub = HUB, interval: float = 0.5):
        super().__init__(hub)
        self.interval = interval

    async def _run(self, ready: asyncio.Event) -> None:
        from . import queries

        loop = asyncio.get_running_loop()
        last = await loop.run_in_executor(queries.EXECUTOR, queries.run, queries.last_event_id)
        ready.set()
        while True:
            await asyncio.sleep(self.interval)
            try:
                notes, last = await loop.run_in_executor(
                    queries.EXECUTOR, queries.run, queries.notes_after_id, last
                )
            except Exception:  # noqa: BLE001 — a locked database now and then; try again
                log.exception("polling live events failed")
                continue
            for note in notes:
                self.hub.deliver(note)


class PostgresBroker(_PerLoop):
    """NOTIFY after commit; one LISTEN connection per process, reopened when lost (its
    listeners then reread the table, so nothing is missed while it was down)."""

    name = "postgres"

    def announce(self, note: Note) -> None:
        self.announce_many([note])

    def announce_many(self, notes: list[Note]) -> None:
        payloads = []
        for note in notes:
            self.hub.deliver(note)
            payload = note.to_json()
            if len(payload.encode()) > PG_PAYLOAD_LIMIT:
                if note.seq is None:
                    continue  # a signal too big to carry is dropped (typing only)
                # The number alone: listeners read the event from the table.
                payload = Note(
                    note.stream, note.kind, {TRUNCATED: True}, note.seq, note.origin
                ).to_json()
            payloads.append(payload)
        if not payloads:
            return
        with connection.cursor() as cursor:
            if len(payloads) == 1:
                cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, payloads[0]])
            else:  # one statement, one round trip; delivered in this order
                cursor.execute(
                    "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n) "
                    "ORDER BY n",
                    [PG_CHANNEL, payloads],
                )

    async def _run(self, ready: asyncio.Event) -> None:
        import psycopg

        while True:
            try:
                params = connection.get_connection_params()
                params.pop("cursor_factory", None)
                params.pop("context", None)
                params.pop("prepare_threshold", None)
                async with await psycopg.AsyncConnection.connect(
                    **params, autocommit=True
                ) as listener:
                    await listener.execute(f"LISTEN {PG_CHANNEL}")
                    ready.set()
                    self.hub.resync_all()  # notes sent while we were not listening
                    async for notify in listener.notifies():
                        self._receive(notify.payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — the database restarted: listen again
                log.exception("listening for live events failed; trying again")
            await asyncio.sleep(1)


class RedisBroker(_PerLoop):
    """Redis publish/subscribe (LIVE_REDIS_URL): PUBLISH after commit from any thread,
    one subscriber connection per process, resubscribed when lost (its listeners then
    reread the table). For several processes on SQLite, or to spare PostgreSQL the
    notifications. The channel is named by the database, so two installations (or test
    runs) sharing one Redis never hear each other."""

    name = "redis"

    def __init__(self, hub: Hub = HUB):
        super().__init__(hub)
        self._clients: dict[int, Any] = {}  # by pid: a forked process connects anew

    @staticmethod
    def channel() -> str:
        return f"{PG_CHANNEL}:{settings.DATABASES['default']['NAME']}"

    def _client(self):
        import redis

        pid = os.getpid()
        if pid not in self._clients:
            self._clients[pid] = redis.Redis.from_url(
                settings.LIVE_REDIS_URL, socket_timeout=5, socket_connect_timeout=5
            )
        return self._clients[pid]

    def announce(self, note: Note) -> None:
        self.announce_many([note])

    def announce_many(self, notes: list[Note]) -> None:
        for note in notes:
            self.hub.deliver(note)
        try:
            pipeline = self._client().pipeline(transaction=False)
            for note in notes:
                pipeline.publish(self.channel(), note.to_json())
            pipeline.execute()
        except Exception:  # noqa: BLE001 — the others reread the table on their next look
            log.exception("publishing a live note to Redis failed")

    async def _run(self, ready: asyncio.Event) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(settings.LIVE_REDIS_URL)
                async with client, client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel())
                    ready.set()
                    self.hub.resync_all()  # notes sent while we were not listening
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._receive(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — Redis restarted: subscribe again
                log.exception("listening for live events on Redis failed; trying again")
            await asyncio.sleep(1)


_BROKERS = {
    "local": LocalBroker,
    "poll": PollingBroker,
    "postgres": PostgresBroker,
    "redis": RedisBroker,
}
_chosen: dict[str, LocalBroker] = {}


def broker() -> LocalBroker:
    """The broker the settings name (LIVE_BROKER): `auto` is Redis when LIVE_REDIS_URL
    is set, else PostgreSQL's NOTIFY on PostgreSQL and the in-process hub on SQLite
    (`kundsvar serve` asks for `poll` when it starts several processes on SQLite without
    Redis)."""
    name = settings.LIVE_BROKER
    if name == "auto":
        if settings.LIVE_REDIS_URL:
            name = "redis"
        else:
            name = "postgres" if connection.vendor == "postgresql" else "local"
    if name not in _chosen:
        try:
            _chosen[name] = _BROKERS[name]()
        except KeyError:
            raise ValueError(
                f"LIVE_BROKER={name!r}: expected auto, local, poll, postgres or redis"
            ) from None
    return _chosen[name]
