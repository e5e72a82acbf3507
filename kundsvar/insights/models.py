"""Pre-aggregated rows the reports read (S4, F2, K3): one row per shop-local day (and
hour of the week, channel, agent …), rebuilt from the audit log (CaseEvent) and the
ratings by `rollups.refresh` (the worker, every few minutes) and `rollups.rebuild`.

Nothing here is a source of truth: delete every row and `kundsvar rebuild-insights`
makes them again, equal to what the worker kept up to date."""

from django.db import models


class ArrivalHour(models.Model):
    """Questions that arrived: new cases and follow-ups, per local day and hour of week."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    how = models.PositiveSmallIntegerField(help_text="Hour of the week, Monday 00 = 0.")
    channel = models.CharField(max_length=16)
    opened = models.PositiveIntegerField(default=0)
    follow_ups = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_arrival_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.how} {self.channel}"


class ResponseDay(models.Model):
    """Answers given on a day, with the time the customer waited for them (S4)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=16)
    agent_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    follow_up = models.BooleanField(help_text="An answer to a follow-up, not the first one.")
    answers = models.PositiveIntegerField(default=0)
    promised = models.PositiveIntegerField(default=0, help_text="Answers that had a promise.")
    kept = models.PositiveIntegerField(default=0)
    calendar_seconds = models.BigIntegerField(default=0)
    business_seconds = models.BigIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0, help_text="Answers with a handle time.")
    handle_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_response_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.agent_id}"


class WaitBucket(models.Model):
    """How many answers came after a wait in one bucket (rollups.HIST_EDGES): the
    distribution, median and p90, in calendar or business hours."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    agent_id = models.IntegerField(null=True)
    follow_up = models.BooleanField()
    business = models.BooleanField()
    bucket = models.PositiveSmallIntegerField()
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        # Covering: a report sums the buckets from the index alone.
        indexes = [
            models.Index(
                fields=["shop", "day", "follow_up", "business", "bucket", "answers", "agent_id"],
                name="insight_wait_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.bucket}: {self.answers}"


class TagDay(models.Model):
    """The same per tag (the topic, until cases have a topic of their own)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    tag_id = models.IntegerField()
    opened = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    promised = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_tag_day")]

    def __str__(self) -> str:
        return f"{self.day} tag {self.tag_id}"


class CsatDay(models.Model):
    """Current ratings given on a day (F2), per channel and answering agent."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=16)
    agent_id = models.IntegerField(null=True)
    good = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_csat_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.agent_id}"


class BacklogDay(models.Model):
    """The cases owed an answer at the end of a local day (today: at the last refresh),
    with how long they had waited. `owed` ({case id: owed since}) lets the next day be
    computed from this one alone."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField()
    owed = models.PositiveIntegerField(default=0)
    ages = models.JSONField(default=list, help_text="Counts per AGE_EDGES bucket.")
    oldest_seconds = models.BigIntegerField(default=0)
    state = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "day"], name="insight_backlog_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.owed}"


class RollupState(models.Model):
    """How far the worker got: the last audit event and rating it read."""

    name = models.CharField(max_length=32, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    last_rating_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
