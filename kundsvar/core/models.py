from django.db import models


class RateCount(models.Model):
    """One fixed-window counter of `core.ratelimit`: a hashed scope and key, the count
    so far and when the window ends (epoch seconds). Counted with one atomic upsert, so
    concurrent requests from many web processes cannot lose a count (Django's database
    cache `incr` reads and writes in two steps, and a burst slipped past the limit)."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField()
    ends = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.count}"
