"""The figures of the reports, read from the rows `rollups` keeps (never from the cases:
a report over a million cases reads a few thousand rows at most).

Every figure knows the cases behind it: `Report.cases_url(...)` is the queue filtered to
exactly those (cases.queries.Filters: `event`, `since`, `until`, …)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Agent, Team
from kundsvar.cases.models import Channel, Tag

from .models import ArrivalHour, BacklogDay, CsatDay, ResponseDay, TagDay, WaitBucket
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


def _sums() -> dict:
    return {name: Sum(name) for name in SUMS}


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


@dataclass
class Waits:
    """Answers and their waits: counts, promise kept, median and p90 both ways."""

    answers: int = 0
    promised: int = 0
    kept: int = 0
    calendar_seconds: int = 0
    business_seconds: int = 0
    handled: int = 0
    handle_seconds: int = 0
    calendar_hist: list = field(default_factory=lambda: [0] * (len(HIST_EDGES) + 1))
    business_hist: list = field(default_factory=lambda: [0] * (len(HIST_EDGES) + 1))

    def add(self, sums: dict) -> None:
        for name in SUMS:
            setattr(self, name, getattr(self, name) + (sums.get(name) or 0))

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


@dataclass
class Report:
    shop: object
    period: Period

    # -- the cases behind a figure ------------------------------------------------------

    def span(self, first: date | None = None, last: date | None = None) -> tuple:
        tz = self.shop.tz
        since = day_bounds(first or self.period.start, tz)[0]
        until = min(day_bounds(last or self.period.end, tz)[1], timezone.now())
        return since, until

    def cases_url(self, event: str = "", first=None, last=None, **filters) -> str:
        params = {"shop": self.shop.pk}
        if event:
            since, until = self.span(first, last)
            params.update(event=event, since=since.isoformat(), until=until.isoformat())
        params.update({k: v for k, v in filters.items() if v not in (None, "")})
        return f"{reverse('cases:queue')}?{urlencode(params)}"

    # -- reading the rows ---------------------------------------------------------------

    def _rows(self, model):
        return model.objects.filter(
            shop=self.shop, day__gte=self.period.start, day__lte=self.period.end
        )

    def waits(self, follow_up: bool | None = None) -> Waits:
        """All answers (or first answers, or answers to follow-ups), with the waits'
        distribution: two aggregate queries."""
        where = {} if follow_up is None else {"follow_up": follow_up}
        waits = Waits()
        waits.add(self._rows(ResponseDay).filter(**where).aggregate(**_sums()))
        buckets = (
            self._rows(WaitBucket)
            .filter(**where)
            .values("business", "bucket")
            .annotate(n=Sum("answers"))
            .order_by()
        )
        for row in buckets:
            hist = waits.business_hist if row["business"] else waits.calendar_hist
            hist[row["bucket"]] += row["n"]
        return waits

    def waits_split(self) -> tuple[Waits, Waits, Waits]:
        """(first answers, answers to follow-ups, all) in two queries."""
        first, follow, both = Waits(), Waits(), Waits()
        for row in self._rows(ResponseDay).values("follow_up").annotate(**_sums()).order_by():
            (follow if row["follow_up"] else first).add(row)
            both.add(row)
        buckets = (
            self._rows(WaitBucket)
            .values("follow_up", "business", "bucket")
            .annotate(n=Sum("answers"))
            .order_by()
        )
        for row in buckets:
            for waits in (follow if row["follow_up"] else first, both):
                hist = waits.business_hist if row["business"] else waits.calendar_hist
                hist[row["bucket"]] += row["n"]
        return first, follow, both

    def waits_by(self, key: str, follow_up: bool | None = None, hist: bool = False) -> dict:
        """Waits per channel, agent_id, team_id or week (Monday); with `hist` (agents
        only) the distribution of calendar waits too."""
        where = {} if follow_up is None else {"follow_up": follow_up}
        found: dict = defaultdict(Waits)
        group = "day" if key == "week" else key
        rows = self._rows(ResponseDay).filter(**where).values(group).annotate(**_sums()).order_by()
        for row in rows:
            k = row["day"] - timedelta(days=row["day"].weekday()) if key == "week" else row[key]
            found[k].add(row)
        if hist and key == "agent_id":
            buckets = (
                self._rows(WaitBucket)
                .filter(business=False, **where)
                .values("agent_id", "bucket")
                .annotate(n=Sum("answers"))
                .order_by()
            )
            for row in buckets:
                found[row["agent_id"]].calendar_hist[row["bucket"]] += row["n"]
        return dict(found)

    def arrivals(self) -> tuple[int, int]:
        totals = self._rows(ArrivalHour).aggregate(o=Sum("opened"), f=Sum("follow_ups"))
        return totals["o"] or 0, totals["f"] or 0

    def volume_by_channel(self) -> dict[str, dict[date, int]]:
        found: dict = defaultdict(lambda: defaultdict(int))
        for row in (
            self._rows(ArrivalHour).values("channel", "day").annotate(n=Sum("opened")).order_by()
        ):
            found[row["channel"]][row["day"]] += row["n"]
        return found

    def heatmap(self) -> list[int]:
        cells = [0] * 168
        for row in self._rows(ArrivalHour).values("how").annotate(n=Sum("opened")).order_by():
            cells[row["how"]] += row["n"]
        return cells

    def tags(self) -> list[dict]:
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

    def csat(self, **where) -> tuple[int, int]:
        totals = self._rows(CsatDay).filter(**where).aggregate(g=Sum("good"), b=Sum("bad"))
        return totals["g"] or 0, totals["b"] or 0

    def csat_by(self, key: str) -> dict:
        found: dict = defaultdict(lambda: [0, 0])
        for row in self._rows(CsatDay).values(key).annotate(g=Sum("good"), b=Sum("bad")).order_by():
            found[row[key]][0] += row["g"]
            found[row[key]][1] += row["b"]
        return dict(found)

    def backlog(self) -> list[BacklogDay]:
        return list(self._rows(BacklogDay).defer("state").order_by("day"))

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
