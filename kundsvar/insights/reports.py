"""The figures of the reports, read from the rows `rollups` keeps (never from the cases:
a report over a million cases reads a few thousand rows at most).

Every figure knows the cases behind it: `Report.cases_url(...)` is the queue filtered to
exactly those (cases.queries.Filters: `event`, `since`, `until`, …)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import BooleanField, Case, Sum, Value, When
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Agent, Team
from kundsvar.cases.models import Channel, Tag

from .models import (
    AgentDay,
    AgentWait,
    ArrivalHour,
    BacklogDay,
    ChannelDay,
    CsatDay,
    TagDay,
    WaitDay,
)
from .rollups import AGE_EDGES, HIST_EDGES, day_bounds

PERIODS = ("today", "7", "30", "90", "custom")
MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    code: str = "30"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, self.code)

    def each_day(self):
        for i in range(self.days):
            yield self.start + timedelta(days=i)

    @classmethod
    def parse(cls, params, today: date) -> "Period":
        code = params.get("period", "30")
        code = code if code in PERIODS else "30"
        if code == "today":
            return cls(today, today, code)
        if code == "custom":
            try:
                start = date.fromisoformat(params.get("start", ""))
                end = date.fromisoformat(params.get("end", ""))
            except ValueError:
                code = "30"
            else:
                end = min(end, today)
                start = max(min(start, end), end - timedelta(days=MAX_DAYS))
                return cls(start, end, code)
        days = int(code)
        return cls(today - timedelta(days=days - 1), today, code)


class Hist(list):
    """Answers per wait bucket (HIST_EDGES, one more for longer)."""

    def __init__(self):
        super().__init__([0] * (len(HIST_EDGES) + 1))

    def extend_by(self, counts) -> None:
        for i, n in enumerate(counts):
            self[i] += n


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def quantile(hist: list[int], q: float) -> float | None:
    """The q-quantile (seconds) of a bucketed distribution, linear inside the bucket."""
    n = sum(hist)
    if not n:
        return None
    target = q * n
    seen = 0
    for i, count in enumerate(hist):
        if count and seen + count >= target:
            low = HIST_EDGES[i - 1] if i else 0
            if i >= len(HIST_EDGES):
                return float(low)
            return low + (HIST_EDGES[i] - low) * (target - seen) / count
        seen += count
    return float(HIST_EDGES[-1])


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


SUMS = (
    "answers", "promised", "kept", "calendar_seconds", "business_seconds", "handled",
    "handle_seconds",
)  # fmt: skip


def _total(i: int) -> property:
    return property(lambda self: self.totals[i], doc=f"The sum of {SUMS[i]}.")


class Waits:
    """Answers and their waits: counts, promise kept, median and p90 both ways. The sums
    are kept in a list in SUMS order (a report adds up thousands of rows)."""

    answers, promised, kept, calendar_seconds, business_seconds, handled, handle_seconds = (
        _total(i) for i in range(len(SUMS))
    )

    def __init__(self):
        self.totals = [0] * len(SUMS)
        self.calendar_hist = Hist()
        self.business_hist = Hist()

    def add(self, sums) -> None:
        """Add one row's SUMS (a sequence in SUMS order)."""
        self.totals = [a + (b or 0) for a, b in zip(self.totals, sums, strict=True)]

    def hist(self, business: bool) -> "Hist":
        return self.business_hist if business else self.calendar_hist

    @property
    def kept_percent(self) -> int | None:
        return percent(self.kept, self.promised)

    @property
    def broken(self) -> int:
        return self.promised - self.kept

    @property
    def median_hours(self) -> float | None:
        return hours(quantile(self.calendar_hist, 0.5))

    @property
    def p90_hours(self) -> float | None:
        return hours(quantile(self.calendar_hist, 0.9))

    @property
    def median_business_hours(self) -> float | None:
        return hours(quantile(self.business_hist, 0.5))

    @property
    def p90_business_hours(self) -> float | None:
        return hours(quantile(self.business_hist, 0.9))

    @property
    def handle_minutes(self) -> float | None:
        return round(self.handle_seconds / self.handled / 60, 1) if self.handled else None


def _current(start: date):
    """An SQL expression: the row's day is in the period starting at `start` (not in the
    one before it). One query then reads both periods."""
    return Case(
        When(day__gte=start, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Report:
    """The figures of a period and of the period before it (the comparison). Each rollup
    table is read once, for both periods together; the methods take `previous=True` for
    the earlier one."""

    shop: object
    period: Period

    @cached_property
    def previous(self) -> Period:
        return self.period.previous()

    # -- the cases behind a figure ------------------------------------------------------

    @cached_property
    def _queue(self) -> str:
        return reverse("cases:queue")

    @cached_property
    def _now(self) -> datetime:
        return timezone.now()

    def span(self, first: date | None = None, last: date | None = None) -> tuple:
        tz = self.shop.tz
        since = day_bounds(first or self.period.start, tz)[0]
        until = min(day_bounds(last or self.period.end, tz)[1], self._now)
        return since, until

    def cases_url(self, event: str = "", first=None, last=None, **filters) -> str:
        params = {"shop": self.shop.pk}
        if event:
            since, until = self.span(first, last)
            params.update(event=event, since=since.isoformat(), until=until.isoformat())
        params.update({k: v for k, v in filters.items() if v not in (None, "")})
        return f"{self._queue}?{urlencode(params)}"

    # -- reading the rows ---------------------------------------------------------------

    def _rows(self, model, both: bool = False):
        first = self.previous.start if both else self.period.start
        return model.objects.filter(shop=self.shop, day__gte=first, day__lte=self.period.end)

    @cached_property
    def _channel_days(self) -> list[tuple]:
        """(day, channel, follow_up, arrived, *SUMS) for both periods: one query."""
        return list(
            self._rows(ChannelDay, both=True).values_list(
                "day", "channel", "follow_up", "arrived", *SUMS
            )
        )

    def _channel_days_of(self, previous: bool):
        start = self.period.start
        for row in self._channel_days:
            if (row[0] < start) == previous:
                yield row

    def _per_period(self, model, keys: list[str], sums: list[str]) -> list[tuple]:
        """(previous, *keys, *sums) of `model`'s rows summed per period and keys: one
        query for both periods."""
        rows = (
            self._rows(model, both=True)
            .annotate(current=_current(self.period.start))
            .values_list("current", *keys)
            .annotate(*(Sum(name) for name in sums))
            .order_by()
        )
        return [(not row[0], *row[1:]) for row in rows]

    @cached_property
    def _hists(self) -> dict[tuple[bool, bool, bool], list[int]]:
        """(previous, follow_up, business) → answers per wait bucket."""
        found: dict = defaultdict(lambda: [0] * (len(HIST_EDGES) + 1))
        keys = ["follow_up", "business", "bucket"]
        for previous, follow_up, business, i, n in self._per_period(WaitDay, keys, ["answers"]):
            found[(previous, follow_up, business)][i] += n
        return found

    @cached_property
    def _agent_days(self) -> list[tuple]:
        """(previous, agent_id, team_id, *SUMS) summed over each period."""
        return self._per_period(AgentDay, ["agent_id", "team_id"], list(SUMS))

    @cached_property
    def _csat(self) -> list[tuple]:
        """(previous, channel, agent_id, good, bad) summed over each period."""
        return self._per_period(CsatDay, ["channel", "agent_id"], ["good", "bad"])

    def waits_split(self, previous: bool = False) -> tuple[Waits, Waits, Waits]:
        """(first answers, answers to follow-ups, all)."""
        first, follow, both = Waits(), Waits(), Waits()
        for row in self._channel_days_of(previous):
            sums = row[4:]
            (follow if row[2] else first).add(sums)
            both.add(sums)
        for follow_up, waits in ((False, first), (True, follow)):
            for business in (False, True):
                hist = self._hists.get((previous, follow_up, business))
                if hist:
                    waits.hist(business).extend_by(hist)
                    both.hist(business).extend_by(hist)
        return first, follow, both

    def waits_by(self, key: str, previous: bool = False) -> dict:
        """Answers' sums per channel or week (Monday), agent_id or team_id."""
        found: dict = defaultdict(Waits)
        if key in ("channel", "week"):
            for row in self._channel_days_of(previous):
                found[_monday(row[0]) if key == "week" else row[1]].add(row[4:])
        else:
            index = 1 if key == "agent_id" else 2
            for row in self._agent_days:
                if row[0] == previous:
                    found[row[index]].add(row[3:])
        return dict(found)

    def agent_hists(self) -> dict:
        """Each agent's answers per calendar-wait bucket in the period."""
        found: dict = defaultdict(lambda: [0] * (len(HIST_EDGES) + 1))
        rows = (
            self._rows(AgentWait)
            .values_list("agent_id", "bucket")
            .annotate(n=Sum("answers"))
            .order_by()
        )
        for agent_id, i, n in rows:
            found[agent_id][i] += n
        return found

    def arrivals(self, previous: bool = False) -> tuple[int, int]:
        """(new questions, follow-ups)."""
        counts = [0, 0]
        for row in self._channel_days_of(previous):
            counts[row[2]] += row[3]
        return counts[0], counts[1]

    def volume_by_channel(self, previous: bool = False) -> dict[str, dict[date, int]]:
        found: dict = defaultdict(lambda: defaultdict(int))
        for day, channel, follow_up, arrived, *_sums in self._channel_days_of(previous):
            if not follow_up and arrived:
                found[channel][day] += arrived
        return found

    def heatmap(self) -> list[int]:
        cells = [0] * 168
        rows = self._rows(ArrivalHour).values_list("how").annotate(n=Sum("opened")).order_by()
        for how, n in rows:
            cells[how] += n
        return cells

    @cached_property
    def _tags(self) -> list[dict]:
        rows = (
            self._rows(TagDay)
            .values("tag_id")
            .annotate(
                opened=Sum("opened"), answers=Sum("answers"), promised=Sum("promised"),
                kept=Sum("kept"),
            )
            .order_by()
        )  # fmt: skip
        names = dict(Tag.objects.filter(shop=self.shop).values_list("pk", "name"))
        result = [
            {**r, "name": names.get(r["tag_id"], "?"), "percent": percent(r["kept"], r["promised"])}
            for r in rows
        ]
        return sorted(result, key=lambda r: (-r["opened"], r["name"]))

    def tags(self) -> list[dict]:
        return self._tags

    def csat(self, previous: bool = False) -> tuple[int, int]:
        """(good, bad) ratings."""
        good = bad = 0
        for row in self._csat:
            if row[0] == previous:
                good += row[3]
                bad += row[4]
        return good, bad

    def csat_by(self, key: str, previous: bool = False) -> dict:
        index = 1 if key == "channel" else 2
        found: dict = defaultdict(lambda: [0, 0])
        for row in self._csat:
            if row[0] == previous:
                found[row[index]][0] += row[3]
                found[row[index]][1] += row[4]
        return dict(found)

    @cached_property
    def _backlog(self) -> list[tuple]:
        """(day, at, owed, ages, oldest_seconds) of each day of the period."""
        return list(
            self._rows(BacklogDay)
            .order_by("day")
            .values_list("day", "at", "owed", "ages", "oldest_seconds")
        )

    def backlog(self) -> list[tuple]:
        return self._backlog

    # -- names --------------------------------------------------------------------------

    def agent_names(self, ids) -> dict:
        ids = [i for i in ids if i is not None]
        return {a.pk: str(a) for a in Agent.objects.filter(pk__in=ids)}

    def team_names(self, ids) -> dict:
        ids = [i for i in ids if i is not None]
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


def age_labels() -> list[str]:
    h = [e // 3600 for e in AGE_EDGES]
    return [f"< {h[0]} h", f"{h[0]}–{h[1]} h", f"{h[1] // 24}–{h[2] // 24} d", f"> {h[2] // 24} d"]


def now_in(shop) -> datetime:
    return timezone.localtime(timezone.now(), shop.tz)
