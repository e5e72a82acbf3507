"""The volume forecast behind the staffing page (rules S5, T1): how many questions each
hour of a coming day brings, per channel.

expected(day, hour, channel) = pattern(weekday, hour, channel) × season(day)

* pattern: the mean count for that weekday and hour over the last 8 weeks before the
  forecast is made, leaving out season days (a Black Friday must not lift every Friday);
* season: for Black Friday, December (the Christmas run-up, Christmas itself) and the
  mellandagsrea (26 December – 6 January), the same day last year divided by what last
  year's pattern expected on it (Black Friday matched to Black Friday, other days to
  the same date), when last year has data there; otherwise the shop's own factor
  (`StaffingSettings`: Black Friday, Christmas, mellandagsrea).

The functions below work on counts in memory — {(date, hour, channel): n} — so the
backtest (bench/forecast.py) runs the same code as the page; `hourly_counts` reads them
from the cases with one grouped query.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour

from kundsvar.cases.models import Case

PATTERN_WEEKS = 8
Counts = dict[tuple[date, int, str], float]


@dataclass(frozen=True)
class Factors:
    """The shop's own factors, used when last year has no data for the day."""

    black_friday: float = 3.0
    christmas: float = 1.5
    mellandagsrea: float = 1.8


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday + timedelta(days=1)


def season(day: date) -> str | None:
    if day == black_friday(day.year):
        return "black_friday"
    if day.month == 12 and day.day <= 25:
        return "christmas"
    if (day.month == 12 and day.day >= 26) or (day.month == 1 and day.day <= 6):
        return "mellandagsrea"
    return None


def last_year(day: date) -> date:
    """The day that plays the same part a year earlier."""
    if season(day) == "black_friday":
        return black_friday(day.year - 1)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def pattern(counts: Counts, before: date) -> dict[tuple[int, int, str], float]:
    """Mean count per (weekday, hour, channel) over the 8 weeks before `before`,
    season days left out (and their weekday's divisor with them)."""
    totals: dict[tuple[int, int, str], float] = defaultdict(float)
    days_per_weekday: dict[int, int] = defaultdict(int)
    start = before - timedelta(weeks=PATTERN_WEEKS)
    day = start
    while day < before:
        if season(day) is None:
            days_per_weekday[day.weekday()] += 1
        day += timedelta(days=1)
    for (day, hour, channel), n in counts.items():
        if start <= day < before and season(day) is None:
            totals[(day.weekday(), hour, channel)] += n
    return {key: total / days_per_weekday[key[0]] for key, total in totals.items()}


def _day_total(values, day: date) -> float:
    return sum(n for (d, _, _), n in values.items() if d == day)


def season_factor(counts: Counts, day: date, own: Factors) -> float:
    kind = season(day)
    if kind is None:
        return 1.0
    earlier = last_year(day)
    actual = _day_total(counts, earlier)
    if actual:
        then = pattern(counts, _season_start(earlier))
        expected = sum(n for (weekday, _, _), n in then.items() if weekday == earlier.weekday())
        if expected:
            return actual / expected
    return {
        "black_friday": own.black_friday,
        "christmas": own.christmas,
        "mellandagsrea": own.mellandagsrea,
    }[kind]


def _season_start(day: date) -> date:
    """The pattern for a season day is taken from before the season's first day."""
    year = day.year if day.month >= 11 else day.year - 1
    return black_friday(year)


def forecast(counts: Counts, days: list[date], own: Factors, *, made_on: date) -> Counts:
    """Expected count per (day, hour, channel) for `days`, from what was known on `made_on`."""
    known = {key: n for key, n in counts.items() if key[0] < made_on}
    base = pattern(known, made_on)
    result: Counts = {}
    for day in days:
        factor = season_factor(known, day, own)
        for (weekday, hour, channel), n in base.items():
            if weekday == day.weekday():
                result[(day, hour, channel)] = n * factor
    return result


def hourly_counts(shop, start: datetime, end: datetime) -> Counts:
    """New cases per local (date, hour, channel) between start and end: one grouped query."""
    rows = (
        Case.objects.filter(shop=shop, received_at__gte=start, received_at__lt=end)
        .annotate(hour=TruncHour("received_at", tzinfo=shop.tz))
        .values("hour", "channel")
        .annotate(n=Count("id"))
    )
    found: Counts = {}
    for row in rows:
        local = row["hour"].astimezone(shop.tz)
        key = (local.date(), local.hour, row["channel"])
        found[key] = found.get(key, 0) + row["n"]
    return found


def history_window(shop, today: date) -> tuple[datetime, datetime]:
    """From 8 weeks before last year's Black Friday (for the season factors) to today."""
    start = black_friday(today.year - 1) - timedelta(weeks=PATTERN_WEEKS + 1)
    if today.month < 11:
        start = black_friday(today.year - 2) - timedelta(weeks=PATTERN_WEEKS + 1)
    return (
        datetime.combine(start, time(0), tzinfo=shop.tz),
        datetime.combine(today, time(0), tzinfo=shop.tz),
    )
