"""Stored live events: what a browser that was away for a moment must still be shown.

A stream is a name ("chat.42", "shop.3.chat"); its events are numbered 1, 2, 3 … with no
gaps, in the order they commit, so a browser that saw event 17 asks for "after 17" and
loses nothing (the number is the Server-Sent Events `id`, sent back as Last-Event-ID)."""

from django.db import models


class LiveStream(models.Model):
    """The last number given out on a stream. Publishing updates this row first, which
    holds its lock until commit: two publishers of one stream take turns, so numbers
    commit in order and a reader never skips one that commits late."""

    name = models.CharField(max_length=100, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_seq}"


class LiveEvent(models.Model):
    stream = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="live_event_stream_seq")
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"
