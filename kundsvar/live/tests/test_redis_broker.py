"""The Redis broker (LIVE_REDIS_URL, the optional `kundsvar[redis]`), against a real
redis-server the test starts on a free port: a note published by another process
reaches the listeners here, ours is delivered once, a Redis that went away is
subscribed to again and the listeners reread the table."""

import asyncio
import shutil
import subprocess
import time

import pytest
from django.db import connection

from kundsvar.core.tests.realclock import real_clock_env
from kundsvar.live.brokers import RESYNC, Hub, Note, RedisBroker, broker

from .helpers import closing, free_port, heard_in_order, run_async

redis = pytest.importorskip("redis")
SERVER = shutil.which("redis-server")


def _start(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 — Debian's redis-server, our arguments
        [SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        env=real_clock_env(),
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port).ping():
                return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture
def redis_url(settings):
    if SERVER is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = _start(port)
    settings.LIVE_REDIS_URL = f"redis://127.0.0.1:{port}/0"
    try:
        yield settings.LIVE_REDIS_URL, port, process
    finally:
        process.kill()
        process.wait()


def _another_process_publishes(url: str, note: Note) -> None:
    redis.Redis.from_url(url).publish(RedisBroker.channel(), note.to_json())


async def _next_note(subscription, timeout: float = 5) -> Note | None:
    """The next note that is not a resync (one comes when the subscriber connects)."""
    while (note := await subscription.get(timeout)) is not None:
        if note.kind != RESYNC:
            return note
    return None


@pytest.mark.django_db
def test_auto_is_redis_when_a_redis_url_is_set(settings):
    settings.LIVE_BROKER = "auto"
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"
    assert broker().name == "redis"
    settings.LIVE_BROKER = "redis"
    assert broker().name == "redis"


@pytest.mark.django_db
def test_a_note_from_another_process_reaches_the_listeners_here(redis_url):
    url, _port, _process = redis_url
    hub = Hub()
    live = RedisBroker(hub)

    async def scenario():
        subscription = hub.subscribe("chat.7")
        try:
            await live.ensure_running()
            note = Note("chat.7", "message", {"text": "hej"}, 1, origin="another-process")
            await asyncio.to_thread(_another_process_publishes, url, note)
            return await _next_note(subscription)
        finally:
            subscription.close()

    note = run_async(scenario)
    assert note is not None and (note.seq, note.data) == (1, {"text": "hej"})


@pytest.mark.django_db
def test_our_own_note_is_delivered_once_and_others_hear_it(redis_url):
    url, _port, _process = redis_url
    hub = Hub()
    live = RedisBroker(hub)
    heard = redis.Redis.from_url(url).pubsub()
    heard.subscribe(RedisBroker.channel())
    heard.get_message(timeout=2)  # the subscribe confirmation

    async def scenario():
        subscription = hub.subscribe("chat.8")
        try:
            await live.ensure_running()
            loop = asyncio.get_running_loop()
            typing = Note("chat.8", "typing", {"who": "A"})
            await loop.run_in_executor(None, closing, live.announce, typing)
            notes = []
            while (note := await subscription.get(0.5)) is not None:
                if note.kind != RESYNC:
                    notes.append(note)
            return notes
        finally:
            subscription.close()

    notes = run_async(scenario)
    assert [n.data for n in notes] == [{"who": "A"}]
    message = heard.get_message(timeout=2)
    assert message is not None and Note.from_json(message["data"]).data == {"who": "A"}


@pytest.mark.django_db
def test_many_notes_go_out_in_one_pipeline_and_arrive_in_order(redis_url):
    sender, listener = RedisBroker(Hub()), RedisBroker(Hub())
    assert heard_in_order(sender, listener) == [0, 1, 2]


@pytest.mark.django_db
def test_a_restarted_redis_is_subscribed_to_again_and_the_listeners_reread(redis_url):
    url, port, process = redis_url
    hub = Hub()
    live = RedisBroker(hub)

    async def scenario():
        subscription = hub.subscribe("chat.9")
        try:
            await live.ensure_running()
            while await subscription.get(0.2) is not None:
                pass  # the first resync
            process.kill()
            process.wait()
            await asyncio.sleep(0.3)
            restarted = await asyncio.to_thread(_start, port)
            resync = await subscription.get(10)  # subscribed again: reread the table
            note = Note("chat.9", "message", {"text": "igen"}, 1, origin="another-process")
            await asyncio.to_thread(_another_process_publishes, url, note)
            return restarted, resync, await _next_note(subscription)
        finally:
            subscription.close()

    restarted, resync, note = run_async(scenario)
    try:
        assert resync is not None and resync.kind == RESYNC
        assert note is not None and note.data == {"text": "igen"}
    finally:
        restarted.kill()
        restarted.wait()


def test_the_channel_is_named_by_the_database():
    assert RedisBroker.channel().endswith(str(connection.settings_dict["NAME"]))
