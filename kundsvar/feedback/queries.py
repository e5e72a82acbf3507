"""Read side of satisfaction (rule F2): CSAT = good / (good + bad), always with its n.

Every figure is one aggregate query in the database, whatever the number of ratings."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import Trunc

from kundsvar.core.privacy import mask_personal_numbers

from .models import Rating, Score

PERIODS = ("week", "month")
COMMENT_LIMIT = 100


@dataclass(frozen=True)
class Csat:
    """Counts and the share of good ratings. `percent` is None when nobody rated."""

    good: int
    bad: int

    @property
    def n(self) -> int:
        return self.good + self.bad

    @property
    def percent(self) -> int | None:
        return round(100 * self.good / self.n) if self.n else None


@dataclass(frozen=True)
class Row:
    key: object
    csat: Csat


_COUNTS = {
    "good": Count("id", filter=Q(score=Score.GOOD)),
    "bad": Count("id", filter=Q(score=Score.BAD)),
}


def given(shop, start: date, end: date) -> QuerySet[Rating]:
    """Every rating the shop's customers gave from `start` to `end` (both included, the
    shop's days), those they later changed included: each keeps its own comment."""
    tz = shop.tz
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return Rating.objects.filter(case__shop=shop, created_at__gte=since, created_at__lt=until)


def current_rating(answer_id: int | None) -> Rating | None:
    """The rating that counts for one answer, if the customer gave one."""
    if answer_id is None:
        return None
    return Rating.objects.filter(message_id=answer_id, replaced_at=None).first()


def ratings(shop, start: date, end: date) -> QuerySet[Rating]:
    """The ratings that count: one per answer, the customer's latest."""
    return given(shop, start, end).filter(replaced_at=None)


def total(qs: QuerySet[Rating]) -> Csat:
    counts = qs.aggregate(**_COUNTS)
    return Csat(counts["good"], counts["bad"])


def period_start(day: date, period: str) -> date:
    return day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def _next(day: date, period: str) -> date:
    if period == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def by_period(qs: QuerySet[Rating], period: str, start: date, end: date, tz: ZoneInfo) -> list[Row]:
    """One row per week (from Monday) or month in the range, the empty ones included."""
    found = {
        row["period"]: Csat(row["good"], row["bad"])
        for row in (
            qs.annotate(period=Trunc("created_at", period, output_field=DateField(), tzinfo=tz))
            .order_by()
            .values("period")
            .annotate(**_COUNTS)
        )
    }
    rows, day = [], period_start(start, period)
    while day <= end:
        rows.append(Row(day, found.get(day, Csat(0, 0))))
        day = _next(day, period)
    return rows


def by_agent(qs: QuerySet[Rating]) -> list[Row]:
    """Per agent who wrote the rated answer, best-rated first; None: no agent (deleted)."""
    rows = (
        qs.order_by()
        .values("agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(**_COUNTS)
    )
    result = [Row(_agent_name(r), Csat(r["good"], r["bad"])) for r in rows]
    return sorted(result, key=lambda r: (-(r.csat.percent or 0), -r.csat.n, str(r.key)))


def _agent_name(row: dict) -> str | None:
    if row["agent_id"] is None:
        return None
    full = f"{row['agent__first_name']} {row['agent__last_name']}".strip()
    return full or row["agent__username"]


def by_channel(qs: QuerySet[Rating]) -> list[Row]:
    rows = qs.order_by().values("channel").annotate(**_COUNTS).order_by("channel")
    return [Row(r["channel"], Csat(r["good"], r["bad"])) for r in rows]


def comments(qs: QuerySet[Rating], limit: int = COMMENT_LIMIT) -> list[Rating]:
    """The ratings with a comment, newest first, each under the score it was written
    for — pass `given()` so a rating the customer changed keeps its comment (F2).
    Masked when stored; masked again here (it changes nothing then) so a row written
    some other way cannot show one (C3)."""
    rows = list(
        qs.exclude(comment="")
        .select_related("case", "agent")
        .order_by("-created_at", "-id")[:limit]
    )
    for row in rows:
        row.comment = mask_personal_numbers(row.comment)[0]
    return rows
