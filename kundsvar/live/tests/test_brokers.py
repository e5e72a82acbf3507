"""Fan-out across processes: an event published by another web process reaches the
listeners in this one. On PostgreSQL by LISTEN/NOTIFY (the broker `auto` picks there);
on SQLite, which has no notifications, by the polling broker that `kundsvar serve`
picks when it starts several processes."""

import asyncio

import pytest
from django.db import connection
from django.utils import timezone

from kundsvar.live.brokers import Hub, LocalBroker, Note, PollingBroker, PostgresBroker, broker
from kundsvar.live.models import LiveEvent

from .helpers import closing, heard_in_order, run_async


def _another_process_publishes(stream: str) -> None:
    """What a second web process does: the row, and on PostgreSQL its NOTIFY, from a
    connection and an origin that are not ours."""
    LiveEvent.objects.create(
        stream=stream, seq=1, kind="message", data={"text": "hej"}, created_at=timezone.now()
    )
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        with psycopg.connect(**params, autocommit=True) as other:
            note = Note(stream, "message", {"text": "hej"}, 1, origin="another-process")
            other.execute("SELECT pg_notify('kundsvar_live', %s)", [note.to_json()])


def _broker_for_this_database(hub: Hub):
    if connection.vendor == "postgresql":
        return PostgresBroker(hub)
    return PollingBroker(hub, interval=0.05)


@pytest.mark.django_db(transaction=True)
def test_an_event_from_another_process_reaches_the_listeners_here():
    hub = Hub()
    live = _broker_for_this_database(hub)

    async def scenario():
        subscription = hub.subscribe("chat.7")
        try:
            await live.ensure_running()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, closing, _another_process_publishes, "chat.7")
            while True:  # a resync may come first (the listener has just connected)
                note = await subscription.get(5)
                if note is None or note.kind != "resync":
                    return note
        finally:
            subscription.close()

    note = run_async(scenario)
    assert note is not None and (note.seq, note.data) == (1, {"text": "hej"})


@pytest.mark.django_db(transaction=True)
def test_postgres_delivers_our_own_note_once():
    """Ours goes to our hub at once; the same note back from NOTIFY is dropped. On
    SQLite `auto` is the local broker, which is this very hub."""
    hub = Hub()
    live = _broker_for_this_database(hub) if connection.vendor == "postgresql" else LocalBroker(hub)

    async def scenario():
        subscription = hub.subscribe("chat.8")
        try:
            await live.ensure_running()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(
                None, closing, live.announce, Note("chat.8", "typing", {"who": "A"})
            )
            notes = []
            while (note := await subscription.get(0.5)) is not None:
                if note.kind != "resync":
                    notes.append(note)
            return notes
        finally:
            subscription.close()

    notes = run_async(scenario)
    assert [n.data for n in notes] == [{"who": "A"}]


@pytest.mark.django_db
def test_auto_is_notify_on_postgresql_and_the_local_hub_on_sqlite(settings):
    settings.LIVE_BROKER = "auto"
    expected = "postgres" if connection.vendor == "postgresql" else "local"
    assert broker().name == expected
    settings.LIVE_BROKER = "poll"
    assert broker().name == "poll"
    settings.LIVE_BROKER = "carrier-pigeon"
    with pytest.raises(ValueError):
        broker()


@pytest.mark.django_db(transaction=True)
def test_many_notes_go_out_in_one_go_and_arrive_in_order():
    """A queue's new places (one signal per waiting customer) in one round trip: on
    PostgreSQL one NOTIFY statement, heard by the other processes in order."""
    if connection.vendor != "postgresql":
        pytest.skip("one statement for many NOTIFYs is PostgreSQL's")
    sender, listener = PostgresBroker(Hub()), PostgresBroker(Hub())
    assert heard_in_order(sender, listener) == [0, 1, 2]
