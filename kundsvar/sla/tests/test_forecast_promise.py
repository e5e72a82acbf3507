"""Rule A4: the promise is the later of the policy and the forecast of when an agent
reaches the case (queue ahead, agents on shift, measured answer rate)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.core import batchcache
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla import forecast
from kundsvar.sla.services import promise_for
from kundsvar.staffing import services as staffing

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM)


def staffed(agents=2, *, channels=(), languages=()):
    """A shop with `agents` agents on shift Mon–Fri 08–17."""
    shop = ShopFactory()
    for _ in range(agents):
        agent = AgentFactory(shops=[shop])
        for day in range(5):
            staffing.add_shift(
                shop, agent, day, time(8), time(17), channels=channels, languages=languages
            )
    return shop


MONDAY_8 = local(2026, 11, 23, 8, 0)


def queue(shop, n, start=MONDAY_8, **kwargs):
    for i in range(n):
        open_email_case(
            shop, start + timedelta(seconds=30 * i), sender=f"k{i}@example.se", **kwargs
        )


def test_an_empty_queue_gets_the_policy_promise():  # A4, S1
    case = open_email_case(staffed(), local(2026, 11, 23, 9, 0))
    assert case.due_at == local(2026, 11, 23, 15, 0)  # 6 working hours
    opened = case.events.get(kind=EventKind.OPENED)
    assert opened.data["under_load"] is False


def test_a_long_queue_sets_a_later_promise_rounded_to_the_hour():  # A4
    shop = staffed(2)
    queue(shop, 75)
    case = open_email_case(shop, local(2026, 11, 23, 9, 0), sender="ny@example.se")
    # 76 answers × 1.1 margin + 2 answers of slack at 2 agents × 6 answers an hour:
    # 7 h 8 min, 16:08, later than the policy's 15:00; rounded up to the whole hour.
    assert case.due_at == local(2026, 11, 23, 17, 0)
    assert case.beyond_ceiling is False
    assert case.events.get(kind=EventKind.OPENED).data["under_load"] is True


def test_more_agents_on_shift_bring_the_promise_back_to_the_policy():  # A4
    shop = staffed(4)
    queue(shop, 60)
    case = open_email_case(shop, local(2026, 11, 23, 9, 0), sender="ny@example.se")
    assert case.due_at == local(2026, 11, 23, 15, 0)
    assert case.events.get(kind=EventKind.OPENED).data["under_load"] is False


def test_a_day_off_is_an_exception_to_the_weekly_pattern():  # A4
    shop = staffed(2)
    off = shop.memberships.first().agent
    staffing.set_exception(shop, off, date(2026, 11, 23), note="Sjuk")
    queue(shop, 30)
    case = open_email_case(shop, local(2026, 11, 23, 9, 0), sender="ny@example.se")
    # One agent: (31 × 1.1 + 2) / 6 an hour = 6 h 1 min → 15:01 → 16:00.
    assert case.due_at == local(2026, 11, 23, 16, 0)


def test_a_promise_past_the_ceiling_is_marked_so():  # A4, S1
    shop = staffed(1)
    queue(shop, 80)
    case = open_email_case(shop, local(2026, 11, 23, 9, 0), sender="ny@example.se")
    # (81 × 1.1 + 2) / 6 = 15.2 agent-hours: Monday 09–17, then Tuesday until 15:11;
    # the whole hour: 16:00, past Tuesday 09:00's 24-hour ceiling.
    assert case.due_at == local(2026, 11, 24, 16, 0)
    assert case.beyond_ceiling is True


def test_a_follow_up_waits_only_for_the_follow_ups():  # A4, S3
    shop = staffed(1)
    agent = shop.memberships.first().agent
    first = open_email_case(shop, local(2026, 11, 23, 8, 0), sender="gammal@example.se")
    cases.reply(first, agent, "Svar", now=local(2026, 11, 23, 8, 10))
    queue(shop, 80, start=local(2026, 11, 23, 8, 20))
    write_again(first, local(2026, 11, 23, 9, 0))
    first.refresh_from_db()
    assert first.is_follow_up
    assert first.due_at == local(2026, 11, 23, 11, 0)  # the follow-up target, not the queue


def test_the_rate_is_measured_from_the_answers_of_the_busy_hours():  # A4
    shop = staffed(1)
    agent = shop.memberships.first().agent
    monday = local(2026, 11, 16, 8, 0)
    for hour in range(10):  # 10 busy hours in the previous week: 12 answers an hour
        for i in range(12):
            at = monday + timedelta(hours=hour % 9, days=hour // 9, minutes=5 * i)
            case = open_email_case(shop, at - timedelta(minutes=1), sender=f"h{hour}-{i}@e.se")
            cases.reply(case, agent, "Svar", now=at)
    assert forecast.rate(shop, forecast.WRITTEN, local(2026, 11, 23, 9, 0)) == 12.0
    assert forecast.rate(shop, frozenset({"chat"}), local(2026, 11, 23, 9, 0)) == 8.0  # default


def test_a_shop_without_shifts_keeps_the_policy_and_the_old_load_guess():  # A4
    shop = ShopFactory()
    case = Case(shop=shop, channel="email")
    assert promise_for(case, local(2026, 11, 23, 9, 0), follow_up=False).by_forecast is False


def test_in_a_batch_each_new_case_costs_one_count_for_the_forecast():  # A4, speed
    shop = staffed(2)
    with batchcache.batch():
        open_email_case(shop, local(2026, 11, 23, 9, 0), sender="a@example.se")
        with CaptureQueriesContext(connection) as queries:
            open_email_case(shop, local(2026, 11, 23, 9, 1), sender="b@example.se")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "staffing_shift" in q]
    assert not [q for q in sql if "cases_caseevent" in q and "SELECT" in q[:10]]
    counts = [q for q in sql if "COUNT" in q and "cases_case" in q]
    assert len(counts) == 1


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 11, 23, 9, 0), local(2026, 11, 23, 9, 0)),
        (local(2026, 11, 23, 8, 31, 1), local(2026, 11, 23, 8, 35)),  # < 1 h: 5 minutes
        (local(2026, 11, 23, 9, 0, 1), local(2026, 11, 23, 9, 15)),  # < 4 h: quarters
        (local(2026, 11, 23, 9, 50), local(2026, 11, 23, 10, 0)),
        (local(2026, 11, 23, 14, 10), local(2026, 11, 23, 15, 0)),  # > 4 h: whole hours
    ],
)
def test_promises_are_rounded_up_to_a_sensible_step(moment, expected):
    assert forecast.round_up(moment, local(2026, 11, 23, 8, 0)) == expected


def test_events_from_replies_are_the_measure():
    # The rate reads REPLIED events only: other events are not answers.
    shop = staffed(1)
    case = open_email_case(shop, local(2026, 11, 16, 9, 0))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REPLIED).count() == 0
