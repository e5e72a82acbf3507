"""Business-hours arithmetic of BusinessCalendar (rules S1 and A4).

Every expected instant was worked out by hand from the calendar of 2026:
Easter is Fri 3 – Mon 6 April, midsommarafton Fri 19 June, julafton Thu 24 December,
nyårsafton Thu 31 December; Sweden springs forward on Sun 29 March (02:00 CET → 03:00
CEST, 01:00 UTC) and falls back on Sun 25 October (03:00 CEST → 02:00 CET, 01:00 UTC).
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import translation

from kundsvar.sla.calendar import BusinessCalendar, NoOpenTime, holiday_name, is_holiday

from .calendars import (
    EVENINGS_SE,
    NEVER_OPEN_SE,
    OFFICE_DK,
    OFFICE_SE,
    OSLO,
    ROUND_THE_CLOCK_SE,
    SHOP_NO,
    SHOP_SATURDAY_SE,
    SPLIT_SE,
    STOCKHOLM,
    hours,
    sthlm,
)

H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def oslo(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


# -- weekends ---------------------------------------------------------------------------


def test_friday_afternoon_work_continues_on_monday_morning():
    # S1: 2 h left on Friday 20 November, the other 4 h on Monday 23 November.
    assert OFFICE_SE.add_working_time(sthlm(2026, 11, 20, 15), 6 * H) == sthlm(2026, 11, 23, 12)


def test_question_on_saturday_starts_counting_at_monday_opening():
    # S1
    assert OFFICE_SE.add_working_time(sthlm(2026, 11, 21, 10), 2 * H) == sthlm(2026, 11, 23, 10)
    assert OFFICE_SE.next_opening(sthlm(2026, 11, 22, 23)) == sthlm(2026, 11, 23, 8)


def test_work_that_fits_before_closing_ends_the_same_day():
    # S1
    assert OFFICE_SE.add_working_time(sthlm(2026, 11, 24, 9), 6 * H) == sthlm(2026, 11, 24, 15)


def test_work_ending_exactly_at_closing_time_is_due_at_closing_not_next_opening():
    # S1: the closing instant is the last open minute.
    assert OFFICE_SE.add_working_time(sthlm(2026, 11, 20, 11), 6 * H) == sthlm(2026, 11, 20, 17)


def test_zero_duration_from_closed_time_is_the_next_opening():
    # S1
    assert OFFICE_SE.add_working_time(sthlm(2026, 11, 21, 12), timedelta(0)) == sthlm(
        2026, 11, 23, 8
    )


def test_negative_duration_is_refused():
    # S1
    with pytest.raises(ValueError):
        OFFICE_SE.add_working_time(sthlm(2026, 11, 23, 9), -MIN)


def test_result_is_the_same_instant_whatever_zone_the_start_is_given_in():
    # A4: Tuesday 24 November 08:00 UTC is 09:00 in Stockholm (CET).
    result = OFFICE_SE.add_working_time(datetime(2026, 11, 24, 8, tzinfo=UTC), 2 * H)
    assert result == datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert result.astimezone(STOCKHOLM).hour == 11


# -- Swedish holidays -----------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6)])
def test_easter_days_are_closed_in_sweden(day):
    # S1: långfredag, påskdagen, annandag påsk 2026.
    assert is_holiday("SE", day)
    assert OFFICE_SE.periods_on(day) == ()
    assert ROUND_THE_CLOCK_SE.periods_on(day) == ()
    assert not ROUND_THE_CLOCK_SE.is_open(sthlm(day.year, day.month, day.day, 12))


@pytest.mark.parametrize("day", [date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31)])
def test_de_facto_days_off_are_closed_in_sweden(day):
    # S1: midsommarafton, julafton and nyårsafton are not public holidays by law but
    # everybody takes them off (the holidays package's de_facto category).
    assert is_holiday("SE", day)
    assert not OFFICE_SE.is_open(sthlm(day.year, day.month, day.day, 12))
    assert OFFICE_SE.periods_on(day) == ()


def test_ordinary_weekdays_around_christmas_are_open():
    # S1: the days before julafton and between Christmas and New Year are working days.
    for day in (23, 28, 29, 30):
        assert OFFICE_SE.is_open(sthlm(2026, 12, day, 12)), day


def test_swedish_holiday_names():
    # A4; names follow the active language
    with translation.override("en"):
        assert holiday_name("SE", date(2026, 6, 19)) == "Midsummer Eve"
        assert holiday_name("SE", date(2026, 12, 24)) == "Christmas Eve"
        assert holiday_name("SE", date(2026, 11, 24)) is None
    with translation.override("sv"):
        assert holiday_name("SE", date(2026, 6, 19)) == "Midsommarafton"
        assert holiday_name("NO", date(2026, 12, 24)) == "Julafton"


def test_thursday_1655_before_easter_is_continued_on_tuesday_after_annandag():
    # S1: 5 minutes on Thursday 2 April, then Friday–Monday closed (långfredag, weekend,
    # annandag påsk), the remaining 1 h 55 min from Tuesday 7 April 08:00.
    assert OFFICE_SE.add_working_time(sthlm(2026, 4, 2, 16, 55), 2 * H) == sthlm(2026, 4, 7, 9, 55)


def test_wednesday_1655_before_julafton_is_continued_on_monday_28_december():
    # S1: julafton (Thu), juldagen (Fri), annandag jul (Sat) and Sunday are all closed.
    assert OFFICE_SE.add_working_time(sthlm(2026, 12, 23, 16, 55), 2 * H) == sthlm(
        2026, 12, 28, 9, 55
    )


def test_thursday_1655_before_midsommarafton_is_continued_on_monday():
    # S1: midsommarafton Friday 19 June closed, midsommardagen Saturday, Sunday.
    assert OFFICE_SE.add_working_time(sthlm(2026, 6, 18, 16, 55), 2 * H) == sthlm(
        2026, 6, 22, 9, 55
    )


def test_nyarsafton_and_nyarsdagen_push_work_to_monday_4_january():
    # S1: 1 h on Wednesday 30 December, then Thu 31 Dec, Fri 1 Jan and the weekend closed.
    assert OFFICE_SE.add_working_time(sthlm(2026, 12, 30, 16), 2 * H) == sthlm(2027, 1, 4, 9)


def test_holiday_on_a_saturday_closes_a_shop_with_saturday_hours():
    # S1: Sweden's national day, Saturday 6 June 2026. 1 h on Friday (closes 15:00),
    # Saturday holiday, Sunday closed, 2 h from Monday 8 June 08:00.
    assert SHOP_SATURDAY_SE.add_working_time(sthlm(2026, 6, 5, 14), 3 * H) == sthlm(2026, 6, 8, 10)


# -- Norway and Denmark: julaften and nyttårsaften from _EXTRA_DAYS_OFF -----------------------


@pytest.mark.parametrize("country", ["NO", "DK"])
def test_julaften_and_nyttarsaften_are_days_off_in_norway_and_denmark(country):
    # S1: not public holidays in the holidays package, named in _EXTRA_DAYS_OFF.
    assert is_holiday(country, date(2026, 12, 24))
    assert is_holiday(country, date(2026, 12, 31))
    with translation.override("en"):  # named in the active language
        assert holiday_name(country, date(2026, 12, 24)) == "Christmas Eve"
        assert holiday_name(country, date(2026, 12, 31)) == "New Year's Eve"
    with translation.override("sv"):
        assert holiday_name(country, date(2026, 12, 31)) == "Nyårsafton"
    assert not is_holiday(country, date(2026, 12, 23))


def test_norwegian_shop_is_closed_from_julaften_to_the_weekend():
    # S1: 1 h on Wednesday 23 December (closes 16:00); 24 julaften, 25 and 26 holidays,
    # 27 Sunday; the other hour from Monday 28 December 09:00.
    assert SHOP_NO.add_working_time(oslo(2026, 12, 23, 15), 2 * H) == oslo(2026, 12, 28, 10)


def test_norwegian_shop_is_closed_on_nyttarsaften_and_opens_on_saturday_2_january():
    # S1: 1 h on Wednesday 30 December; 31 December and 1 January closed; Saturday
    # 2 January opens 10:00.
    assert SHOP_NO.add_working_time(oslo(2026, 12, 30, 15), 2 * H) == oslo(2027, 1, 2, 11)


def test_danish_office_is_closed_on_juleaften():
    # S1
    start = datetime(2026, 12, 23, 15, tzinfo=OFFICE_DK.tz)
    assert OFFICE_DK.add_working_time(start, 2 * H) == datetime(
        2026, 12, 28, 10, tzinfo=OFFICE_DK.tz
    )


def test_skaertorsdag_is_closed_in_norway_but_skartorsdag_is_open_in_sweden():
    # S1: Maundy Thursday 2 April 2026 is a public holiday in Norway only.
    assert not SHOP_NO.is_open(oslo(2026, 4, 2, 12))
    assert OFFICE_SE.is_open(sthlm(2026, 4, 2, 12))


# -- DST: working time is real elapsed time -----------------------------------------------


def test_round_the_clock_shop_spring_forward_day_has_23_open_hours():
    # S1: Sunday 29 March 2026, 00:00 CET (23:00 UTC Sat) to 00:00 CEST (22:00 UTC Sun).
    assert ROUND_THE_CLOCK_SE.working_time_between(sthlm(2026, 3, 29), sthlm(2026, 3, 30)) == 23 * H


def test_round_the_clock_shop_fall_back_day_has_25_open_hours():
    # S1: Sunday 25 October 2026, 00:00 CEST (22:00 UTC Sat) to 00:00 CET (23:00 UTC Sun).
    assert (
        ROUND_THE_CLOCK_SE.working_time_between(sthlm(2026, 10, 25), sthlm(2026, 10, 26)) == 25 * H
    )


def test_three_working_hours_across_spring_forward_show_four_hours_on_the_wall_clock():
    # S1: Saturday 28 March 23:00 CET = 22:00 UTC; 3 real hours later is 01:00 UTC on
    # Sunday, which is 03:00 CEST because 02:00–03:00 does not exist.
    result = ROUND_THE_CLOCK_SE.add_working_time(sthlm(2026, 3, 28, 23), 3 * H)
    assert result == datetime(2026, 3, 29, 1, tzinfo=UTC)
    local = result.astimezone(STOCKHOLM)
    assert (local.day, local.hour, local.utcoffset()) == (29, 3, 2 * H)


def test_six_working_hours_across_fall_back_show_five_hours_on_the_wall_clock():
    # S1: Saturday 24 October 23:00 CEST = 21:00 UTC; 6 real hours later is 03:00 UTC,
    # which is 04:00 CET because 02:00–03:00 happens twice.
    result = ROUND_THE_CLOCK_SE.add_working_time(sthlm(2026, 10, 24, 23), 6 * H)
    assert result == datetime(2026, 10, 25, 3, tzinfo=UTC)
    local = result.astimezone(STOCKHOLM)
    assert (local.day, local.hour, local.utcoffset()) == (25, 4, 1 * H)


def test_night_opening_01_to_05_holds_three_real_hours_on_spring_forward_night():
    # S1: a special opening on Sunday 29 March 01:00 CET (00:00 UTC) – 05:00 CEST
    # (03:00 UTC) is 3 hours long, not 4.
    night = replace(NEVER_OPEN_SE, special={date(2026, 3, 29): ((time(1), time(5)),)})
    assert night.working_time_between(sthlm(2026, 3, 28), sthlm(2026, 3, 30)) == 3 * H
    assert night.add_working_time(sthlm(2026, 3, 28, 20), 3 * H) == datetime(
        2026, 3, 29, 3, tzinfo=UTC
    )


def test_night_opening_01_to_05_holds_five_real_hours_on_fall_back_night():
    # S1: Sunday 25 October 01:00 CEST (23:00 UTC Sat) – 05:00 CET (04:00 UTC).
    night = replace(NEVER_OPEN_SE, special={date(2026, 10, 25): ((time(1), time(5)),)})
    assert night.working_time_between(sthlm(2026, 10, 24), sthlm(2026, 10, 26)) == 5 * H


def test_office_hours_stay_local_across_the_spring_forward_weekend():
    # S1: the DST change itself happens on a closed Sunday; Monday 30 March 08:00 CEST is
    # 06:00 UTC, while Friday 27 March 08:00 CET was 07:00 UTC.
    assert OFFICE_SE.next_opening(sthlm(2026, 3, 28, 12)) == datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert OFFICE_SE.working_time_between(sthlm(2026, 3, 27, 12), sthlm(2026, 3, 30, 12)) == (
        5 * H + 4 * H
    )


# -- opening hours that differ by weekday ---------------------------------------------------


def test_short_friday_and_saturday_hours_are_used():
    # S1: Friday closes 15:00 (1 h left at 14:00), Saturday 10–14 (4 h), Monday 1 h.
    assert SHOP_SATURDAY_SE.add_working_time(sthlm(2026, 11, 20, 14), 6 * H) == sthlm(
        2026, 11, 23, 9
    )


def test_thursday_evening_work_runs_into_friday_morning():
    # S1: 1 h on Thursday to 17:00, 2 h on Friday from 08:00.
    assert SHOP_SATURDAY_SE.add_working_time(sthlm(2026, 11, 19, 16), 3 * H) == sthlm(
        2026, 11, 20, 10
    )


def test_weekday_specific_hours_decide_is_open():
    # S1
    assert SHOP_SATURDAY_SE.is_open(sthlm(2026, 11, 19, 16, 30))  # Thursday, until 17
    assert not SHOP_SATURDAY_SE.is_open(sthlm(2026, 11, 20, 16, 30))  # Friday, until 15
    assert SHOP_SATURDAY_SE.is_open(sthlm(2026, 11, 21, 12))  # Saturday 10–14
    assert not SHOP_SATURDAY_SE.is_open(sthlm(2026, 11, 21, 14, 1))
    assert not SHOP_SATURDAY_SE.is_open(sthlm(2026, 11, 22, 12))  # Sunday


def test_weekly_open_time_of_the_saturday_shop():
    # S1: 4 × 9 h + 7 h + 4 h = 47 h from Monday 00:00 to the next Monday 00:00.
    assert SHOP_SATURDAY_SE.working_time_between(sthlm(2026, 11, 23), sthlm(2026, 11, 30)) == (
        47 * H
    )


# -- split hours ------------------------------------------------------------------------------


def test_lunch_break_is_not_working_time():
    # S1: 1 h until 12:00, lunch 12–13, 1 h from 13:00.
    assert SPLIT_SE.add_working_time(sthlm(2026, 11, 23, 11), 2 * H) == sthlm(2026, 11, 23, 14)


def test_work_started_during_lunch_begins_at_13():
    # S1
    assert SPLIT_SE.add_working_time(sthlm(2026, 11, 23, 12, 15), 30 * MIN) == sthlm(
        2026, 11, 23, 13, 30
    )


def test_split_hours_working_time_between():
    # S1: 10–12 and 13–15.
    assert SPLIT_SE.working_time_between(sthlm(2026, 11, 23, 10), sthlm(2026, 11, 23, 15)) == (
        4 * H
    )


def test_split_hours_boundaries_are_open_and_lunch_is_closed():
    # S1
    assert SPLIT_SE.is_open(sthlm(2026, 11, 23, 12))
    assert not SPLIT_SE.is_open(sthlm(2026, 11, 23, 12, 30))
    assert SPLIT_SE.is_open(sthlm(2026, 11, 23, 13))


def test_split_hours_last_open_before_lunch_is_noon():
    # S1
    assert SPLIT_SE.latest_open_at_or_before(sthlm(2026, 11, 23, 12, 45)) == sthlm(2026, 11, 23, 12)


# -- special days -------------------------------------------------------------------------------


def test_special_closed_day_is_skipped():
    # S1: Tuesday 24 November closed for inventory; 1 h Monday, 1 h Wednesday from 08:00.
    cal = replace(OFFICE_SE, special={date(2026, 11, 24): ()})
    assert cal.add_working_time(sthlm(2026, 11, 23, 16), 2 * H) == sthlm(2026, 11, 25, 9)
    assert not cal.is_open(sthlm(2026, 11, 24, 12))


def test_special_open_saturday_is_used():
    # S1: Saturday 21 November open 10–14 (Black Friday weekend).
    cal = replace(OFFICE_SE, special={date(2026, 11, 21): ((time(10), time(14)),)})
    assert cal.add_working_time(sthlm(2026, 11, 20, 16), 2 * H) == sthlm(2026, 11, 21, 11)


def test_special_hours_override_a_holiday():
    # S1: open 9–12 on julafton; 1 h Wednesday 23 December, 1 h from 09:00 on the 24th.
    cal = replace(OFFICE_SE, special={date(2026, 12, 24): ((time(9), time(12)),)})
    assert cal.add_working_time(sthlm(2026, 12, 23, 16), 2 * H) == sthlm(2026, 12, 24, 10)
    assert cal.latest_open_at_or_before(sthlm(2026, 12, 24, 20)) == sthlm(2026, 12, 24, 12)


def test_special_shorter_hours_replace_the_weekly_hours():
    # S1: Friday 20 November open only 8–12.
    cal = replace(OFFICE_SE, special={date(2026, 11, 20): ((time(8), time(12)),)})
    assert cal.add_working_time(sthlm(2026, 11, 20, 11), 2 * H) == sthlm(2026, 11, 23, 9)


def test_calendar_open_only_on_special_days_finds_them():
    # S1
    cal = replace(NEVER_OPEN_SE, special={date(2026, 12, 5): ((time(10), time(12)),)})
    assert cal.add_working_time(sthlm(2026, 11, 23, 9), 90 * MIN) == sthlm(2026, 12, 5, 11, 30)


def test_calendar_without_any_opening_hours_raises_no_open_time():
    # S1
    with pytest.raises(NoOpenTime):
        NEVER_OPEN_SE.add_working_time(sthlm(2026, 11, 23, 9), H)
    with pytest.raises(NoOpenTime):
        NEVER_OPEN_SE.next_opening(sthlm(2026, 11, 23, 9))
    assert NEVER_OPEN_SE.latest_open_at_or_before(sthlm(2026, 11, 23, 9)) is None
    assert NEVER_OPEN_SE.working_time_between(sthlm(2026, 11, 23), sthlm(2026, 11, 30)) == (
        timedelta(0)
    )


# -- working_time_between -----------------------------------------------------------------------


def test_working_time_between_over_a_weekend():
    # S1: Friday 15–17 and Monday 08–10.
    assert OFFICE_SE.working_time_between(sthlm(2026, 11, 20, 15), sthlm(2026, 11, 23, 10)) == (
        4 * H
    )


def test_working_time_between_over_easter():
    # S1: Thursday 2 April 16–17 and Tuesday 7 April 08–09.
    assert OFFICE_SE.working_time_between(sthlm(2026, 4, 2, 16), sthlm(2026, 4, 7, 9)) == 2 * H


def test_working_time_between_inside_closed_time_is_zero():
    # S1
    assert OFFICE_SE.working_time_between(sthlm(2026, 11, 21, 10), sthlm(2026, 11, 22, 10)) == (
        timedelta(0)
    )


def test_working_time_between_reversed_or_equal_bounds_is_zero():
    # S1
    assert OFFICE_SE.working_time_between(sthlm(2026, 11, 24, 15), sthlm(2026, 11, 24, 9)) == (
        timedelta(0)
    )
    assert OFFICE_SE.working_time_between(sthlm(2026, 11, 24, 9), sthlm(2026, 11, 24, 9)) == (
        timedelta(0)
    )


def test_working_time_between_inverts_add_working_time():
    # S1: 6 h from Friday 15:00 over the weekend end at Monday 12:00.
    start = sthlm(2026, 11, 20, 15)
    end = OFFICE_SE.add_working_time(start, 6 * H)
    assert OFFICE_SE.working_time_between(start, end) == 6 * H


def test_working_time_between_accepts_utc_and_local_bounds():
    # S1: 09:00 UTC is 10:00 CET.
    assert (
        OFFICE_SE.working_time_between(
            datetime(2026, 11, 24, 9, tzinfo=UTC), sthlm(2026, 11, 24, 12)
        )
        == 2 * H
    )


# -- latest_open_at_or_before -------------------------------------------------------------------


def test_latest_open_at_or_before_an_open_instant_is_the_instant():
    # S1
    instant = sthlm(2026, 11, 24, 12, 34)
    assert OFFICE_SE.latest_open_at_or_before(instant) == instant


def test_latest_open_at_or_before_the_closing_instant_is_the_closing_instant():
    # S1
    assert OFFICE_SE.latest_open_at_or_before(sthlm(2026, 11, 20, 17)) == sthlm(2026, 11, 20, 17)


def test_latest_open_at_or_before_a_weekend_instant_is_friday_closing():
    # S1
    assert OFFICE_SE.latest_open_at_or_before(sthlm(2026, 11, 22, 12)) == sthlm(2026, 11, 20, 17)


def test_latest_open_at_or_before_easter_tuesday_morning_is_maundy_thursday_closing():
    # S1
    assert OFFICE_SE.latest_open_at_or_before(sthlm(2026, 4, 7, 7)) == sthlm(2026, 4, 2, 17)


def test_latest_open_at_or_before_the_opening_instant_has_no_open_time_in_between():
    # S1: at Monday 08:00 either Monday 08:00 or Friday 17:00 is acceptable – no open time
    # lies between them – but it must not be earlier than Friday's closing.
    instant = sthlm(2026, 11, 23, 8)
    result = OFFICE_SE.latest_open_at_or_before(instant)
    assert sthlm(2026, 11, 20, 17) <= result <= instant
    assert OFFICE_SE.working_time_between(result, instant) == timedelta(0)


def test_latest_open_at_or_before_midnight_after_an_evening_opening_is_midnight():
    # S1: the evening shop's Friday period 18:00–23:59 runs to Saturday 00:00.
    assert EVENINGS_SE.latest_open_at_or_before(sthlm(2026, 11, 21, 15)) == sthlm(2026, 11, 21, 0)


# -- is_open at the boundaries ------------------------------------------------------------------


def test_is_open_at_opening_and_closing_instants():
    # S1: opening and closing instants count as open, the microsecond outside does not.
    assert OFFICE_SE.is_open(sthlm(2026, 11, 23, 8))
    assert not OFFICE_SE.is_open(sthlm(2026, 11, 23, 8) - timedelta(microseconds=1))
    assert OFFICE_SE.is_open(sthlm(2026, 11, 23, 17))
    assert not OFFICE_SE.is_open(sthlm(2026, 11, 23, 17) + timedelta(microseconds=1))


def test_is_open_accepts_utc_instants():
    # S1: 07:00 UTC is 08:00 CET (opening); 16:00 UTC is 17:00 CET (closing).
    assert OFFICE_SE.is_open(datetime(2026, 11, 23, 7, tzinfo=UTC))
    assert not OFFICE_SE.is_open(datetime(2026, 11, 23, 6, 59, tzinfo=UTC))
    assert OFFICE_SE.is_open(datetime(2026, 11, 23, 16, tzinfo=UTC))
    assert not OFFICE_SE.is_open(datetime(2026, 11, 23, 16, 1, tzinfo=UTC))


def test_is_open_at_midnight_closing_of_a_period_ending_at_end_of_day():
    # S1: Friday's 18:00–23:59 period closes at Saturday 00:00; that closing instant is
    # open like any other, though Saturday itself is closed (regression: is_open only
    # looked at the periods of Saturday).
    assert EVENINGS_SE.is_open(sthlm(2026, 11, 20, 23, 59, 59))
    assert EVENINGS_SE.is_open(sthlm(2026, 11, 21, 0))
    assert not EVENINGS_SE.is_open(sthlm(2026, 11, 21, 0, 0, 1))


def test_round_the_clock_shop_is_open_at_midnight_and_closed_on_julafton():
    # S1: open at every midnight between two open days; the closing midnight before
    # julafton is open, the rest of julafton is not.
    assert ROUND_THE_CLOCK_SE.is_open(sthlm(2026, 11, 24, 0))
    assert ROUND_THE_CLOCK_SE.is_open(sthlm(2026, 12, 24, 0))
    assert not ROUND_THE_CLOCK_SE.is_open(sthlm(2026, 12, 24, 0, 1))
    assert ROUND_THE_CLOCK_SE.next_opening(sthlm(2026, 12, 24, 0, 1)) == sthlm(2026, 12, 27, 0)


def test_each_days_hours_are_worked_out_once_and_copies_start_afresh(monkeypatch):  # S1, S2
    # A calendar lives for a batch of mail; every message's promise walks the same days.
    calendar = replace(OFFICE_SE)
    worked_out: list[date] = []
    real = BusinessCalendar._work_out

    def counting(self, day):
        worked_out.append(day)
        return real(self, day)

    monkeypatch.setattr(BusinessCalendar, "_work_out", counting)
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=STOCKHOLM)
    first = calendar.add_working_time(friday, timedelta(hours=3))
    days = len(worked_out)
    assert calendar.add_working_time(friday, timedelta(hours=3)) == first
    assert len(worked_out) == days  # nothing worked out again
    assert first == datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)
    # Other hours, another calendar: its own days (replace does not copy them).
    later = replace(calendar, weekly={day: hours(9, 17) for day in range(5)})
    assert later.add_working_time(friday, timedelta(hours=3)) == datetime(
        2026, 11, 30, 11, 0, tzinfo=STOCKHOLM
    )
