from datetime import time

from kundsvar.shops.hours import hours_summary
from kundsvar.shops.models import OpeningHours


def hours(*rows):
    return [OpeningHours(weekday=d, opens=time(o), closes=time(c)) for d, o, c in rows]


WEEK = hours((0, 8, 17), (1, 8, 17), (2, 8, 17), (3, 8, 17), (4, 8, 16), (5, 10, 14))


def test_consecutive_days_with_the_same_hours_are_joined():  # C1, A5
    assert hours_summary(WEEK, "sv") == "mån–tors 08.00–17.00, fre 08.00–16.00, lör 10.00–14.00"


def test_the_summary_follows_the_customers_language():  # R7
    assert hours_summary(WEEK, "en") == "Mon–Thu 08:00–17:00, Fri 08:00–16:00, Sat 10:00–14:00"
    assert hours_summary(WEEK, "da").startswith("man–tors 08.00–17.00, fre")
    assert hours_summary(WEEK, "nb").startswith("man–tor 08.00–17.00, fre")


def test_split_hours_and_gaps():
    rows = hours((0, 9, 12), (0, 13, 17), (2, 9, 12), (2, 13, 17))
    assert hours_summary(rows, "sv") == "mån 09.00–12.00, 13.00–17.00, ons 09.00–12.00, 13.00–17.00"
