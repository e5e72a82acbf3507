"""Pre-aggregated rows the reports read (S4, F2, K3): one row per shop-local day (and
hour of the week, channel, agent …), rebuilt from the audit log (CaseEvent) and the
ratings by `rollups.refresh` (the worker, every few minutes) and `rollups.rebuild`.

Nothing here is a source of truth: delete every row and `kundsvar rebuild-insights`
makes them again, equal to what the worker kept up to date."""

from django.db import models


class ArrivalHour(models.Model):
    """Questions that arrived: new cases and follow-ups, per local day and hour of the
    week (the heatmap; the totals per channel are in ChannelDay)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    how = models.PositiveSmallIntegerField(help_text="Hour of the week, Monday 00 = 0.")
    opened = models.PositiveIntegerField(default=0)
    follow_ups = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["shop", "day", "how", "opened"], name="insight_arrival_how")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.how}"


class Answers(models.Model):
    """Answers given, the time the customers waited for them (S4) and whether the
    promise was kept; the sums a report adds up."""

    answers = models.PositiveIntegerField(default=0)
    promised = models.PositiveIntegerField(default=0, help_text="Answers that had a promise.")
    kept = models.PositiveIntegerField(default=0)
    calendar_seconds = models.BigIntegerField(default=0)
    business_seconds = models.BigIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0, help_text="Answers with a handle time.")
    handle_seconds = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class ChannelDay(Answers):
    """Per local day, channel and kind of question (new or follow-up): how many arrived
    and the answers given to that kind. At most eight rows a day for four channels: the
    overview and the volume, answer-time and promise pages read these."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=16)
    follow_up = models.BooleanField(help_text="Follow-ups and the answers to them.")
    arrived = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_channel_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.follow_up}"


class AgentDay(Answers):
    """The same per answering agent and the case's team (the per-agent and per-team
    figures)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    agent_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="insight_agent_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.team_id}"


class WaitDay(models.Model):
    """How many answers came after a wait in one bucket (rollups.HIST_EDGES): the
    distribution, median and p90, in calendar or business hours."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    follow_up = models.BooleanField()
    business = models.BooleanField()
    bucket = models.PositiveSmallIntegerField()
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        # Covering: a report sums the buckets from the index alone.
        indexes = [
            models.Index(
                fields=["shop", "day", "follow_up", "business", "bucket", "answers"],
                name="insight_wait_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.bucket}: {self.answers}"


class AgentWait(models.Model):
    """Answers per agent and calendar-wait bucket (each agent's median wait)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    agent_id = models.IntegerField(null=True)
    bucket = models.PositiveSmallIntegerField()
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["shop", "day", "agent_id", "bucket", "answers"], name="insight_agent_wait"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.bucket}: {self.answers}"


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
        indexes = [
            models.Index(
                fields=["shop", "day", "channel", "agent_id", "good", "bad"],
                name="insight_csat_cover",
            )
        ]

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


class WeeklyMail(models.Model):
    """A shop's admin who asked for the weekly report by mail (opt-in), in their own
    language; `last_week` is the Monday of the last week sent, so a week goes out once
    however many workers run the task."""

    agent = models.ForeignKey("accounts.Agent", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    last_week = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "shop"], name="insight_weekly_mail_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} @ {self.shop}"
