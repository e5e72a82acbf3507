"""The staffing page's volume forecast from a known history (rules S5, T1)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.insights.forecast import (
    Factors,
    black_friday,
    forecast,
    hourly_counts,
    pattern,
    season,
)
from kundsvar.shops.tests.factories import ShopFactory


def steady(first: date, last: date, per_hour=None, factor=None) -> dict:
    """2 emails at 10:00 on weekdays, 1 at weekends; `factor(day)` multiplies."""
    counts, day = {}, first
    while day <= last:
        n = 2 if day.weekday() < 5 else 1
        counts[(day, 10, "email")] = n * (factor(day) if factor else 1)
        day += timedelta(days=1)
    return counts


def test_black_friday_is_the_day_after_the_fourth_thursday():
    assert black_friday(2026) == date(2026, 11, 27)
    assert black_friday(2025) == date(2025, 11, 28)
    assert season(date(2026, 12, 27)) == "mellandagsrea"
    assert season(date(2026, 12, 10)) == "christmas"
    assert season(date(2026, 10, 10)) is None


def test_the_pattern_is_the_weekday_hour_mean_of_eight_weeks_without_season_days():
    counts = steady(date(2026, 9, 1), date(2026, 11, 30))
    counts[(date(2026, 11, 27), 10, "email")] = 40  # Black Friday does not lift Fridays
    found = pattern(counts, date(2026, 12, 1))
    assert found[(4, 10, "email")] == 2  # Friday
    assert found[(6, 10, "email")] == 1  # Sunday


def test_last_years_season_sets_the_factor():  # S5
    # Last December was three times a normal day, Black Friday five times.
    def last_year(day):
        if day == black_friday(day.year):
            return 5
        return 3 if day.month == 12 else 1

    counts = steady(date(2025, 9, 1), date(2026, 11, 30), factor=last_year)
    made = forecast(counts, [date(2026, 12, 10)], Factors(), made_on=date(2026, 12, 1))
    assert made[(date(2026, 12, 10), 10, "email")] == pytest.approx(6)  # Thursday: 2 × 3
    friday = black_friday(2026)
    made = forecast(counts, [friday], Factors(), made_on=friday)
    assert made[(friday, 10, "email")] == pytest.approx(10)


def test_without_last_year_the_shops_own_factor_is_used():  # S5
    counts = steady(date(2026, 9, 1), date(2026, 11, 30))
    own = Factors(black_friday=4, christmas=1.5, mellandagsrea=2)
    made = forecast(
        counts, [date(2026, 12, 10), date(2026, 12, 28)], own, made_on=date(2026, 12, 1)
    )
    assert made[(date(2026, 12, 10), 10, "email")] == pytest.approx(3)
    assert made[(date(2026, 12, 28), 10, "email")] == pytest.approx(4)  # a Monday × 2


@pytest.mark.django_db
def test_hourly_counts_are_read_in_the_shops_local_time():
    shop = ShopFactory()
    at = datetime.fromisoformat("2026-11-23T09:30:00+00:00")  # 10:30 in Stockholm
    with time_machine.travel(at, tick=False):
        open_email_case(shop, at)
        open_email_case(shop, at + timedelta(minutes=5), sender="b@example.se")
    found = hourly_counts(shop, at - timedelta(days=1), at + timedelta(days=1))
    assert found == {(date(2026, 11, 23), 10, "email"): 2}
