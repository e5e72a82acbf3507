"""Business calendars shared by the response-time tests. Pure objects: no database."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kundsvar.sla.calendar import END_OF_DAY, BusinessCalendar
from kundsvar.sla.deadlines import Targets

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OSLO = ZoneInfo("Europe/Oslo")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
HELSINKI = ZoneInfo("Europe/Helsinki")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WORKDAYS = (MON, TUE, WED, THU, FRI)


def hours(opens: int, closes: int) -> tuple[tuple[time, time], ...]:
    return ((time(opens), time(closes)),)


# Weekday office hours, Monday to Friday 8–17.
OFFICE_SE = BusinessCalendar(
    tz=STOCKHOLM, country="SE", weekly={day: hours(8, 17) for day in WORKDAYS}
)

# Hours that differ by weekday: Mon–Thu 8–17, Fri 8–15, Sat 10–14, Sunday closed.
SHOP_SATURDAY_SE = BusinessCalendar(
    tz=STOCKHOLM,
    country="SE",
    weekly={
        MON: hours(8, 17),
        TUE: hours(8, 17),
        WED: hours(8, 17),
        THU: hours(8, 17),
        FRI: hours(8, 15),
        SAT: hours(10, 14),
    },
)

# Round the clock every day (23:59 means midnight); still closed on holidays.
ROUND_THE_CLOCK_SE = BusinessCalendar(
    tz=STOCKHOLM, country="SE", weekly={day: ((time(0), END_OF_DAY),) for day in range(7)}
)

# Evenings only, 18:00 to midnight on weekdays: its periods end at the next day's midnight.
EVENINGS_SE = BusinessCalendar(
    tz=STOCKHOLM, country="SE", weekly={day: ((time(18), END_OF_DAY),) for day in WORKDAYS}
)

# Split hours with a lunch break, Monday to Friday 9–12 and 13–17.
SPLIT_SE = BusinessCalendar(
    tz=STOCKHOLM,
    country="SE",
    weekly={day: ((time(9), time(12)), (time(13), time(17))) for day in WORKDAYS},
)

# A Norwegian shop: weekdays 9–16, Saturday 10–15.
SHOP_NO = BusinessCalendar(
    tz=OSLO, country="NO", weekly={**{day: hours(9, 16) for day in WORKDAYS}, SAT: hours(10, 15)}
)

# A Danish office: weekdays 9–16.
OFFICE_DK = BusinessCalendar(
    tz=COPENHAGEN, country="DK", weekly={day: hours(9, 16) for day in WORKDAYS}
)

# No opening hours at all.
NEVER_OPEN_SE = BusinessCalendar(tz=STOCKHOLM, country="SE", weekly={})

# Rule S1 defaults: 6 working hours first answer, 2 for a follow-up, never over 24 h.
FIRST = Targets(
    answer=timedelta(hours=6), fast_lane=timedelta(hours=2), ceiling=timedelta(hours=24)
)
FOLLOW_UP = Targets(
    answer=timedelta(hours=2), fast_lane=timedelta(hours=2), ceiling=timedelta(hours=24)
)


def sthlm(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)
