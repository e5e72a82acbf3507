"""When must the answer come? Pure functions over a BusinessCalendar (rules S1, S3, A4).

A promise is the earliest of two limits:

* the working-time target (6 working hours for a first question, 2 for a follow-up);
* the ceiling (24 calendar hours): pulled back to the last open minute before it, so a
  question on the Thursday before Easter is promised before the shop closes for the
  holiday, not on Tuesday.

When the opening hours leave less than the follow-up target of open time before the
ceiling (a question at 16:55 on the Friday before a long weekend), no honest promise
can meet it. The promise is then the follow-up target after reopening, the fastest lane
there is, and the deadline is marked `beyond_ceiling` so the owner sees that the hours
cannot keep rule S1 on such days. Every limit is monotone in the time received, so a
later question is never promised earlier than an older one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import BusinessCalendar, NoOpenTime

AT_RISK_FRACTION = 0.8


@dataclass(frozen=True)
class Targets:
    answer: timedelta  # working time
    fast_lane: timedelta  # working time, the follow-up target
    ceiling: timedelta  # calendar time


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    at_risk_at: datetime
    beyond_ceiling: bool


def compute_deadline(
    calendar: BusinessCalendar, received_at: datetime, targets: Targets
) -> Deadline:
    ceiling = received_at + targets.ceiling
    try:
        by_target = calendar.add_working_time(received_at, targets.answer)
        fast = calendar.add_working_time(received_at, min(targets.fast_lane, targets.answer))
    except NoOpenTime:
        # A shop with no opening hours at all still owes an answer within the ceiling.
        return Deadline(ceiling, received_at + targets.ceiling * AT_RISK_FRACTION, False)
    last_open = calendar.latest_open_at_or_before(ceiling)
    by_ceiling = fast if last_open is None else max(last_open, fast)
    due = min(by_target, by_ceiling)
    return Deadline(
        due_at=due,
        at_risk_at=_at_risk(calendar, received_at, due),
        beyond_ceiling=due > ceiling,
    )


def _at_risk(calendar: BusinessCalendar, start: datetime, due: datetime) -> datetime:
    """The instant when 80 % of the open time between start and due has passed."""
    available = calendar.working_time_between(start, due)
    if not available:
        return due
    return calendar.add_working_time(start, available * AT_RISK_FRACTION)
