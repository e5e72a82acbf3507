"""The test clock itself (root conftest.py): --today is Stockholm time, `now` is UTC."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from conftest import parse_today


def test_a_date_alone_is_ten_in_the_morning_in_stockholm():
    assert parse_today("2027-06-14") == datetime(2027, 6, 14, 8, 0, tzinfo=UTC)
    assert parse_today("2026-12-23") == datetime(2026, 12, 23, 9, 0, tzinfo=UTC)


def test_0230_in_the_night_the_clocks_go_back_is_the_first_unless_an_offset_says():
    assert parse_today("2027-10-31T02:30") == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert parse_today("2027-10-31T02:30+01:00") == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_now_is_the_moment_today_names_and_the_clock_stands_there(now, request):
    assert now == request.config.today
    assert timedelta(0) <= timezone.now() - now < timedelta(minutes=1)


def test_now_is_utc_so_adding_seconds_adds_real_seconds(now):
    # A zoneinfo datetime adds wall-clock time and drops the fold: in the DST night the
    # second 02:30 plus 5 seconds would land an hour early.
    assert now.utcoffset() == timedelta(0)
    assert (now + timedelta(seconds=5)).timestamp() - now.timestamp() == 5
