"""Properties of compute_deadline over random arrival times 2025–2027 (rules S1, S2, S3, A4).

Calendars: weekday office hours (SE), a shop with short Friday and Saturday hours (SE),
a round-the-clock shop (SE, closed on holidays), an evening shop whose periods end at
midnight (SE) and a Norwegian shop with Saturday hours.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundsvar.sla.deadlines import Targets, compute_deadline

from .calendars import (
    EVENINGS_SE,
    FIRST,
    FOLLOW_UP,
    OFFICE_SE,
    ROUND_THE_CLOCK_SE,
    SHOP_NO,
    SHOP_SATURDAY_SE,
)

H = timedelta(hours=1)
CALENDARS = [OFFICE_SE, SHOP_SATURDAY_SE, ROUND_THE_CLOCK_SE, EVENINGS_SE, SHOP_NO]
# The defaults for first questions and follow-ups, and a tighter policy whose 12 h
# ceiling is often out of reach.
TIGHT = Targets(answer=4 * H, fast_lane=1 * H, ceiling=12 * H)
TARGETS = [FIRST, FOLLOW_UP, TIGHT]

_any_instant = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
# Whole minutes and whole hours too, so opening and closing instants are hit exactly.
received_ats = st.one_of(
    _any_instant,
    _any_instant.map(lambda d: d.replace(second=0, microsecond=0)),
    _any_instant.map(lambda d: d.replace(minute=0, second=0, microsecond=0)),
)
calendars = st.sampled_from(CALENDARS)
targets = st.sampled_from(TARGETS)

PROPERTY = settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(calendar=calendars, received=received_ats, target=targets)
def test_due_at_is_never_before_received_at(calendar, received, target):
    # S1
    deadline = compute_deadline(calendar, received, target)
    assert deadline.due_at >= received


@PROPERTY
@given(calendar=calendars, received=received_ats, target=targets)
def test_due_at_is_never_in_closed_hours(calendar, received, target):
    # A4: the promised instant is an open minute (opening and closing instants count).
    deadline = compute_deadline(calendar, received, target)
    assert calendar.is_open(deadline.due_at), deadline.due_at.astimezone(calendar.tz)


@PROPERTY
@given(calendar=calendars, first=received_ats, second=received_ats, target=targets)
def test_due_at_is_monotone_in_received_at(calendar, first, second, target):
    # S2: a later question is never promised earlier than an older one.
    earlier, later = sorted((first, second))
    assert (
        compute_deadline(calendar, earlier, target).due_at
        <= compute_deadline(calendar, later, target).due_at
    )


@PROPERTY
@given(
    calendar=calendars,
    received=received_ats,
    target=targets,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=80)),
)
def test_due_at_is_monotone_for_nearby_arrivals(calendar, received, target, gap):
    # S2: the same over short gaps, where the interesting jumps (closing time, the eve of
    # a holiday) are.
    assert (
        compute_deadline(calendar, received, target).due_at
        <= compute_deadline(calendar, received + gap, target).due_at
    )


@PROPERTY
@given(calendar=calendars, received=received_ats, target=targets)
def test_ceiling_is_kept_unless_the_hours_leave_less_than_the_fast_lane(calendar, received, target):
    # S1: due_at <= received + ceiling unless beyond_ceiling, and beyond_ceiling exactly
    # when less than the fast-lane target of open time lies before the ceiling.
    deadline = compute_deadline(calendar, received, target)
    ceiling = received + target.ceiling
    open_before_ceiling = calendar.working_time_between(received, ceiling)
    fast_lane = min(target.fast_lane, target.answer)
    assert deadline.beyond_ceiling == (open_before_ceiling < fast_lane)
    if deadline.beyond_ceiling:
        # The fastest lane there is: the fast-lane target of working time, no more.
        assert deadline.due_at > ceiling
        assert calendar.working_time_between(received, deadline.due_at) == fast_lane
    else:
        assert deadline.due_at <= ceiling


@PROPERTY
@given(calendar=calendars, received=received_ats, target=targets)
def test_promise_holds_between_the_fast_lane_and_the_target_in_working_time(
    calendar, received, target
):
    # S1/S3: never more working time than the target, never less than the fast lane.
    deadline = compute_deadline(calendar, received, target)
    working = calendar.working_time_between(received, deadline.due_at)
    assert min(target.fast_lane, target.answer) <= working <= target.answer


@PROPERTY
@given(calendar=calendars, received=received_ats, target=targets)
def test_at_risk_at_lies_between_received_at_and_due_at(calendar, received, target):
    # S2: escalation comes before the breach, never before the question.
    deadline = compute_deadline(calendar, received, target)
    assert received <= deadline.at_risk_at <= deadline.due_at
    if deadline.due_at > received:
        assert deadline.at_risk_at < deadline.due_at


@PROPERTY
@given(calendar=calendars, received=received_ats)
def test_follow_up_is_never_promised_later_than_a_first_question(calendar, received):
    # S3
    assert (
        compute_deadline(calendar, received, FOLLOW_UP).due_at
        <= compute_deadline(calendar, received, FIRST).due_at
    )
