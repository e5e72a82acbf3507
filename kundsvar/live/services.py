"""Publishing live events. `publish` stores the event with the change that causes it
and announces it after commit; `signal` (typing) is announced at once and never stored."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .brokers import Note, broker
from .models import LiveEvent, LiveStream


def _next_seq(stream: str) -> int:
    """The stream's next number, its counter row locked until commit (see LiveStream)."""
    table = connection.ops.quote_name(LiveStream._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, last_seq) VALUES (%s, 1) "  # noqa: S608 (our table)
            f"ON CONFLICT (name) DO UPDATE SET last_seq = {table}.last_seq + 1 "
            "RETURNING last_seq",
            [stream],
        )
        return cursor.fetchone()[0]


@transaction.atomic(savepoint=False)
def publish(stream: str, kind: str, data: dict, *, now: datetime | None = None) -> LiveEvent:
    """Store an event on `stream` and, once the surrounding transaction commits, wake
    every listener of the stream in every process. Rolled back: never announced."""
    event = LiveEvent.objects.create(
        stream=stream, seq=_next_seq(stream), kind=kind, data=data, created_at=now or timezone.now()
    )
    note = Note(stream, kind, data, event.seq)
    transaction.on_commit(lambda: broker().announce(note))
    return event


def signal(stream: str, kind: str, data: dict) -> None:
    """A passing signal (someone is typing): announced now, never stored, not replayed."""
    broker().announce(Note(stream, kind, data))


def signal_many(signals: list[tuple[str, str, dict]]) -> None:
    """Several signals (stream, kind, data) in one go: the queue's new places to every
    waiting customer after a chat was taken, in one round trip to the broker."""
    if signals:
        broker().announce_many([Note(stream, kind, data) for stream, kind, data in signals])


def forget_field(stream_prefix: str, kind: str, ids: list[int], field: str) -> int:
    """Erasure (GDPR): empty `field` of the stored `kind` events whose data's id is one of
    `ids` on the streams starting with `stream_prefix`. Emptied, not deleted: the streams
    stay numbered without gaps for the browsers replaying them."""
    events = LiveEvent.objects.filter(
        stream__startswith=stream_prefix, kind=kind, data__id__in=list(ids)
    )
    changed = 0
    for event in events.iterator():
        event.data = {**event.data, field: ""}
        event.save(update_fields=["data"])
        changed += 1
    return changed


def prune(*, older_than: timedelta = timedelta(days=2), now: datetime | None = None) -> int:
    """Stored events are for reconnecting browsers, not history (that is the case)."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
