"""compute_deadline on concrete days, with due_at and at_risk_at worked out by hand.

Targets are the rule-S1 defaults: 6 working hours for a first question, 2 for a
follow-up (the fast lane), never more than 24 calendar hours (the ceiling).
at_risk_at is when 80 % of the open time between receipt and due has passed.
"""

from datetime import UTC, datetime, timedelta

from kundsvar.sla.deadlines import Targets, compute_deadline

from .calendars import (
    EVENINGS_SE,
    FIRST,
    FOLLOW_UP,
    NEVER_OPEN_SE,
    OFFICE_SE,
    OSLO,
    ROUND_THE_CLOCK_SE,
    SHOP_NO,
    SHOP_SATURDAY_SE,
    sthlm,
)

H = timedelta(hours=1)


def test_six_working_hours_fit_in_the_same_day():
    # S1: Tuesday 24 November 09:00 + 6 h = 15:00; 80 % of 6 h = 4 h 48 min → 13:48.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 11, 24, 9), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 24, 15)
    assert deadline.at_risk_at == sthlm(2026, 11, 24, 13, 48)
    assert not deadline.beyond_ceiling


def test_six_working_hours_from_monday_afternoon_end_tuesday_morning():
    # S1: 3 h Monday 14–17, 3 h Tuesday 8–11; the ceiling (Tuesday 14:00) is later.
    # At risk after 4 h 48 min: 3 h Monday + 1 h 48 min Tuesday → 09:48.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 11, 23, 14), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 24, 11)
    assert deadline.at_risk_at == sthlm(2026, 11, 24, 9, 48)
    assert not deadline.beyond_ceiling


def test_follow_up_is_promised_earlier_than_a_first_question_received_at_the_same_time():
    # S3: follow-up 2 working hours → Monday 16:00 (at risk 15:36), first question
    # Tuesday 11:00.
    received = sthlm(2026, 11, 23, 14)
    follow_up = compute_deadline(OFFICE_SE, received, FOLLOW_UP)
    first = compute_deadline(OFFICE_SE, received, FIRST)
    assert follow_up.due_at == sthlm(2026, 11, 23, 16)
    assert follow_up.at_risk_at == sthlm(2026, 11, 23, 15, 36)
    assert follow_up.due_at < first.due_at


def test_friday_afternoon_first_question_is_pulled_back_to_friday_closing_by_the_ceiling():
    # S1: 6 working hours would end Monday 11:00, later than the ceiling (Saturday
    # 14:00, closed); the last open minute before it is Friday 17:00. 3 h of open time
    # remain, 80 % = 2 h 24 min → at risk 16:24.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 11, 20, 14), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 20, 17)
    assert deadline.at_risk_at == sthlm(2026, 11, 20, 16, 24)
    assert not deadline.beyond_ceiling


def test_thursday_before_easter_is_promised_before_closing_not_on_tuesday():
    # S1: received Thursday 2 April 14:00. 6 working hours end Tuesday 7 April 11:00,
    # the ceiling is Friday 14:00 (långfredag, closed) → last open minute Thursday 17:00.
    received = sthlm(2026, 4, 2, 14)
    deadline = compute_deadline(OFFICE_SE, received, FIRST)
    assert deadline.due_at == sthlm(2026, 4, 2, 17)
    assert deadline.due_at == datetime(2026, 4, 2, 15, tzinfo=UTC)  # CEST since 29 March
    assert deadline.at_risk_at == sthlm(2026, 4, 2, 16, 24)
    assert not deadline.beyond_ceiling
    # Without a ceiling worth mentioning the promise would be Tuesday 11:00.
    week = Targets(answer=6 * H, fast_lane=2 * H, ceiling=timedelta(days=7))
    assert compute_deadline(OFFICE_SE, received, week).due_at == sthlm(2026, 4, 7, 11)


def test_thursday_1655_before_easter_is_beyond_ceiling_and_gets_the_fast_lane_on_tuesday():
    # S1/S3: only 5 minutes are open before the ceiling (Friday 16:55), less than the
    # 2 h fast lane. The promise is 2 working hours after receipt: 5 min Thursday +
    # 1 h 55 min from Tuesday 08:00 → 09:55, marked beyond_ceiling. 80 % of those 2 h
    # is 1 h 36 min: 5 min Thursday + 1 h 31 min Tuesday → 09:31.
    received = sthlm(2026, 4, 2, 16, 55)
    deadline = compute_deadline(OFFICE_SE, received, FIRST)
    assert deadline.due_at == sthlm(2026, 4, 7, 9, 55)
    assert deadline.at_risk_at == sthlm(2026, 4, 7, 9, 31)
    assert deadline.beyond_ceiling
    assert deadline.due_at > received + FIRST.ceiling
    # A follow-up at the same moment gets the same fast lane: it cannot be faster.
    assert compute_deadline(OFFICE_SE, received, FOLLOW_UP).due_at == sthlm(2026, 4, 7, 9, 55)


def test_thursday_1500_before_easter_has_exactly_the_fast_lane_before_the_ceiling():
    # S1: 15:00–17:00 Thursday is exactly 2 h, so the ceiling can still be met.
    # 80 % of 2 h = 1 h 36 min → 16:36.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 4, 2, 15), FIRST)
    assert deadline.due_at == sthlm(2026, 4, 2, 17)
    assert deadline.at_risk_at == sthlm(2026, 4, 2, 16, 36)
    assert not deadline.beyond_ceiling


def test_thursday_1501_before_easter_is_one_minute_too_late_for_the_ceiling():
    # S1: 1 h 59 min open before the ceiling < 2 h → fast lane: 1 h 59 min Thursday +
    # 1 min Tuesday → 08:01. At risk after 1 h 36 min → Thursday 16:37.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 4, 2, 15, 1), FIRST)
    assert deadline.due_at == sthlm(2026, 4, 7, 8, 1)
    assert deadline.at_risk_at == sthlm(2026, 4, 2, 16, 37)
    assert deadline.beyond_ceiling


def test_friday_1655_before_trettondedag_jul_weekend_is_promised_after_reopening():
    # S1: Friday 3 January 2025 16:55; Saturday, Sunday and Monday 6 January (trettondedag
    # jul) closed. 5 min Friday + 1 h 55 min from Tuesday 7 January 08:00 → 09:55,
    # beyond the ceiling (Saturday 16:55). At risk after 1 h 36 min → Tuesday 09:31.
    deadline = compute_deadline(OFFICE_SE, sthlm(2025, 1, 3, 16, 55), FIRST)
    assert deadline.due_at == sthlm(2025, 1, 7, 9, 55)
    assert deadline.at_risk_at == sthlm(2025, 1, 7, 9, 31)
    assert deadline.beyond_ceiling


def test_saturday_shop_friday_1455_before_national_day_is_promised_after_reopening():
    # S1: the Saturday shop closes 15:00 on Friday 5 June 2026; Saturday 6 June is the
    # national day, Sunday is closed. 5 min Friday + 1 h 55 min from Monday 8 June 08:00.
    deadline = compute_deadline(SHOP_SATURDAY_SE, sthlm(2026, 6, 5, 14, 55), FIRST)
    assert deadline.due_at == sthlm(2026, 6, 8, 9, 55)
    assert deadline.at_risk_at == sthlm(2026, 6, 8, 9, 31)
    assert deadline.beyond_ceiling


def test_saturday_shop_friday_1455_on_an_ordinary_weekend_is_promised_saturday_closing():
    # S1: Friday 20 November 2026 14:55. 6 working hours = 5 min Friday + 4 h Saturday
    # + 1 h 55 min Monday; the ceiling Saturday 14:55 falls after Saturday's closing →
    # due Saturday 14:00. Open time 4 h 5 min, 80 % = 3 h 16 min: 5 min Friday + 3 h
    # 11 min Saturday → 13:11.
    deadline = compute_deadline(SHOP_SATURDAY_SE, sthlm(2026, 11, 20, 14, 55), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 21, 14)
    assert deadline.at_risk_at == sthlm(2026, 11, 21, 13, 11)
    assert not deadline.beyond_ceiling


def test_wednesday_1655_before_julafton_is_beyond_ceiling_and_promised_monday_0955():
    # S1: julafton Thursday 24 December – Sunday 27 closed; 5 min Wednesday + 1 h 55 min
    # on Monday 28 December.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 12, 23, 16, 55), FIRST)
    assert deadline.due_at == sthlm(2026, 12, 28, 9, 55)
    assert deadline.at_risk_at == sthlm(2026, 12, 28, 9, 31)
    assert deadline.beyond_ceiling


def test_saturday_question_to_a_weekday_office_gets_the_fast_lane_on_monday():
    # S1: no open time between Saturday 10:00 and the ceiling Sunday 10:00 → beyond the
    # ceiling, 2 working hours from Monday 08:00 → 10:00; at risk 09:36.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 11, 21, 10), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 23, 10)
    assert deadline.at_risk_at == sthlm(2026, 11, 23, 9, 36)
    assert deadline.beyond_ceiling


def test_ceiling_inside_saturday_hours_is_kept_to_the_minute():
    # S1: Saturday shop, Friday 20 November 13:00. 6 working hours = 2 h Friday (closes
    # 15:00) + 4 h Saturday 10–14 → Saturday 14:00, after the ceiling Saturday 13:00,
    # when the shop is open → due 13:00. Open time 2 h + 3 h = 5 h, 80 % = 4 h → 2 h
    # Friday + 2 h Saturday → 12:00.
    deadline = compute_deadline(SHOP_SATURDAY_SE, sthlm(2026, 11, 20, 13), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 21, 13)
    assert deadline.at_risk_at == sthlm(2026, 11, 21, 12)
    assert not deadline.beyond_ceiling


def test_evening_shop_friday_question_is_due_at_midnight_which_counts_as_open():
    # S1: evenings 18–24 on weekdays. Friday 20 November 19:00: 6 working hours end
    # Monday 19:00, the ceiling Saturday 19:00 is closed → last open instant Saturday
    # 00:00 (Friday's period closes at midnight). 5 h open, 80 % = 4 h → 23:00.
    deadline = compute_deadline(EVENINGS_SE, sthlm(2026, 11, 20, 19), FIRST)
    assert deadline.due_at == sthlm(2026, 11, 21, 0)
    assert deadline.at_risk_at == sthlm(2026, 11, 20, 23)
    assert not deadline.beyond_ceiling
    assert EVENINGS_SE.is_open(deadline.due_at)


def test_round_the_clock_shop_counts_real_hours_across_spring_forward():
    # S1: Saturday 28 March 22:00 CET = 21:00 UTC; 6 real hours → 03:00 UTC Sunday =
    # 05:00 CEST. At risk after 4 h 48 min → 01:48 UTC = 03:48 CEST.
    deadline = compute_deadline(ROUND_THE_CLOCK_SE, sthlm(2026, 3, 28, 22), FIRST)
    assert deadline.due_at == datetime(2026, 3, 29, 3, tzinfo=UTC)
    assert deadline.due_at == sthlm(2026, 3, 29, 5)
    assert deadline.at_risk_at == datetime(2026, 3, 29, 1, 48, tzinfo=UTC)
    assert not deadline.beyond_ceiling


def test_round_the_clock_shop_before_julafton_is_due_at_midnight():
    # S1: Wednesday 23 December 20:00; 6 h would run past midnight into julafton, which
    # is closed until Sunday 27. The ceiling (Thursday 20:00) pulls the promise back to
    # midnight. 4 h open, 80 % = 3 h 12 min → 23:12.
    deadline = compute_deadline(ROUND_THE_CLOCK_SE, sthlm(2026, 12, 23, 20), FIRST)
    assert deadline.due_at == sthlm(2026, 12, 24, 0)
    assert deadline.at_risk_at == sthlm(2026, 12, 23, 23, 12)
    assert not deadline.beyond_ceiling
    assert ROUND_THE_CLOCK_SE.is_open(deadline.due_at)


def test_norwegian_shop_before_julaften_is_beyond_ceiling():
    # S1: Wednesday 23 December 15:30 in Oslo, closes 16:00: 30 min before the ceiling
    # (Thursday 15:30, julaften). Fast lane: 30 min + 1 h 30 min from Monday 28 December
    # 09:00 → 10:30. 80 % of 2 h = 1 h 36 min → Monday 10:06.
    received = datetime(2026, 12, 23, 15, 30, tzinfo=OSLO)
    deadline = compute_deadline(SHOP_NO, received, FIRST)
    assert deadline.due_at == datetime(2026, 12, 28, 10, 30, tzinfo=OSLO)
    assert deadline.at_risk_at == datetime(2026, 12, 28, 10, 6, tzinfo=OSLO)
    assert deadline.beyond_ceiling


def test_calendar_without_opening_hours_falls_back_to_the_ceiling():
    # S1: no open minute at all → due 24 calendar hours after receipt, at risk after
    # 80 % of them (19 h 12 min), never marked beyond the ceiling.
    received = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    deadline = compute_deadline(NEVER_OPEN_SE, received, FIRST)
    assert deadline.due_at == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert deadline.at_risk_at == datetime(2026, 11, 24, 3, 42, tzinfo=UTC)
    assert not deadline.beyond_ceiling
