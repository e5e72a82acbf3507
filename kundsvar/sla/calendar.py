"""The shop's business calendar: when is someone there to answer?

Opening hours per weekday, public holidays of the shop's country including the days
everybody takes off anyway (midsommarafton, julafton, nyårsafton), and special days
that the shop sets itself. Local times are turned into UTC instants before any
arithmetic: adding a timedelta to an aware datetime in a ZoneInfo zone is wall-clock
arithmetic in Python and gets DST wrong.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from kundsvar.core import batchcache

Period = tuple[time, time]

# Days off that the `holidays` package does not call public. Sweden's come from its
# own de_facto category; Denmark's optional category holds julaften/nytårsaften among
# others, so the two are named here rather than taking the whole category.
_EXTRA_DAYS_OFF: dict[str, tuple[tuple[int, int], ...]] = {
    "NO": ((12, 24), (12, 31)),
    "DK": ((12, 24), (12, 31)),
}
# A period closing at 23:59 runs to midnight, so a round-the-clock shop has no gaps.
END_OF_DAY = time(23, 59)
_SEARCH_DAYS = 400  # no open minute in a year and a month means the hours are empty


class NoOpenTime(ValueError):
    """The calendar has no open period in the searched range."""


@lru_cache(maxsize=32)
def _holidays(country: str) -> holidays.HolidayBase:
    supported = holidays.country_holidays(country).supported_categories
    categories = tuple(c for c in ("public", "de_facto") if c in supported)
    return holidays.country_holidays(country, categories=categories)


def is_holiday(country: str, day: date) -> bool:
    return day in _holidays(country) or (day.month, day.day) in _EXTRA_DAYS_OFF.get(country, ())


# Our language codes as the holidays package spells them.
_HOLIDAY_LANGUAGES = {"sv": "sv", "en": "en_US", "nb": "no", "da": "da"}


@lru_cache(maxsize=64)
def _named_holidays(country: str, language: str) -> holidays.HolidayBase:
    """Names in `language` when the package has them for the country, else in the
    country's own language (a Swede reads "Første juledag"), else English."""
    base = holidays.country_holidays(country)
    wanted = _HOLIDAY_LANGUAGES.get(language, language)
    supported = base.supported_languages
    chosen = next(
        (code for code in (wanted, base.default_language, "en_US") if code and code in supported),
        None,
    )
    categories = tuple(c for c in ("public", "de_facto") if c in base.supported_categories)
    return holidays.country_holidays(country, categories=categories, language=chosen)


def holiday_name(country: str, day: date) -> str | None:
    """The holiday's name in the active language (the settings page follows it)."""
    if not is_holiday(country, day):
        return None
    if day in _holidays(country):
        language = translation.get_language() or settings.LANGUAGE_CODE
        return _named_holidays(country, language.split("-")[0]).get(day)
    if (day.month, day.day) == (12, 24):
        return gettext("Christmas Eve")
    return gettext("New Year's Eve")


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    country: str
    weekly: dict[int, tuple[Period, ...]]
    special: dict[date, tuple[Period, ...]] = field(default_factory=dict)
    # Each day's open intervals, worked out once: a calendar lives for a batch of mail
    # (for_shop), and every message's promise walks the same coming days.
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def for_shop(cls, shop) -> "BusinessCalendar":
        """Built once per batch of mail (batchcache); shops.services forgets it on a change."""
        return batchcache.cached(shop.pk, ("calendar",), lambda: cls._load(shop))

    @classmethod
    def _load(cls, shop) -> "BusinessCalendar":
        weekly: dict[int, list[Period]] = {}
        for row in shop.opening_hours.all():
            weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
        special = {
            row.date: () if row.closed else ((row.opens, row.closes),)
            for row in shop.special_days.all()
        }
        return cls(
            tz=ZoneInfo(shop.time_zone),
            country=shop.country,
            weekly={day: tuple(sorted(periods)) for day, periods in weekly.items()},
            special=special,
        )

    # -- which hours are open -------------------------------------------------------

    def periods_on(self, day: date) -> tuple[Period, ...]:
        if day in self.special:
            return self.special[day]
        if is_holiday(self.country, day):
            return ()
        return self.weekly.get(day.weekday(), ())

    def _intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = tuple(self._work_out(day))
        return known

    def _work_out(self, day: date) -> list[tuple[datetime, datetime]]:
        result = []
        for opens, closes in self.periods_on(day):
            start = datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
            if closes == END_OF_DAY:
                end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
            else:
                end = datetime.combine(day, closes, tzinfo=self.tz)
            end = end.astimezone(UTC)
            if end > start:  # a period swallowed by a DST gap has no length
                result.append((start, end))
        return result

    def intervals_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) that end after `instant`, clipped to start at it."""
        instant = instant.astimezone(UTC)
        day = instant.astimezone(self.tz).date() - timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            for start, end in self._intervals_on(day):
                if end > instant:
                    yield max(start, instant), end
            day += timedelta(days=1)

    def intervals_before(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) that start before `instant`, latest first, clipped to it."""
        instant = instant.astimezone(UTC)
        day = instant.astimezone(self.tz).date() + timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            for start, end in reversed(self._intervals_on(day)):
                if start < instant:
                    yield start, min(end, instant)
            day -= timedelta(days=1)

    def is_open(self, instant: datetime) -> bool:
        """Open at this instant; an opening or closing instant itself counts as open."""
        instant = instant.astimezone(UTC)
        day = instant.astimezone(self.tz).date()
        # The day before too: a period closing at END_OF_DAY ends at this day's midnight.
        for start, end in self._intervals_on(day - timedelta(days=1)) + self._intervals_on(day):
            if start <= instant <= end:
                return True
        return False

    def next_opening(self, instant: datetime) -> datetime:
        for start, _end in self.intervals_from(instant):
            return start
        raise NoOpenTime("no opening hours in the coming year")

    # -- arithmetic ------------------------------------------------------------------

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of open time has passed since `start`."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        remaining = duration
        for begin, end in self.intervals_from(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise NoOpenTime("no opening hours in the coming year")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta(0)
        if end <= start:
            return total
        end = end.astimezone(UTC)
        for begin, finish in self.intervals_from(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total

    def latest_open_at_or_before(self, instant: datetime) -> datetime | None:
        """`instant` itself when open, else the last closing time before it."""
        for _start, end in self.intervals_before(instant):
            return end
        return None
