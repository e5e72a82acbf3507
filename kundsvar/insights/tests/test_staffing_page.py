"""The "Bemanning" page (rules S5, T1): next week's need against the shifts, the gap in
red, a text alternative; shop admins only."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.insights import staffing
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.staffing import services as shifts

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.fromisoformat("2026-11-18T09:00:00+00:00")  # a Wednesday


@pytest.fixture
def shop():
    """Eight weeks of 6 emails each weekday between 10 and 11; one agent 08–17."""
    shop = ShopFactory(slug="nat")
    agent = AgentFactory(shops=[shop])
    for day in range(5):
        shifts.add_shift(shop, agent, day, time(8), time(17))
    n = 0
    for back in range(1, 57):
        day = (NOW - timedelta(days=back)).astimezone(STHLM).date()
        if day.weekday() < 5:
            for i in range(6):
                n += 1
                at = datetime.combine(day, time(10, i * 9), tzinfo=STHLM)
                open_email_case(shop, at, sender=f"k{n}@example.se")
    return shop


@pytest.fixture
def admin(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


def test_the_plan_needs_people_where_the_volume_is(shop):  # S5, T1
    with time_machine.travel(NOW, tick=False):
        plan = staffing.plan(shop)
    monday_10 = next(h for h in plan.hours if h.start.weekday() == 0 and h.start.hour == 10)
    assert monday_10.volume["written"] == pytest.approx(6)
    # 6 answers × 10 minutes (the default 6 an hour) at 85 % occupancy: 1.18 → 2 people.
    assert monday_10.people == 2
    assert monday_10.scheduled == 1
    assert monday_10.gap == 1
    # Next week's Friday is Black Friday: no last year, so the shop's factor (3×).
    friday_10 = next(h for h in plan.hours if h.start.weekday() == 4 and h.start.hour == 10)
    assert friday_10.volume["written"] == pytest.approx(18)
    assert friday_10.people == 4  # 18 × 10 min / 85 % = 3.5
    # 42 a week → 182 a month: under rule T1's 400, no dedicated-person floor.
    assert plan.dedicated_floor == 0
    assert plan.written_per_month == pytest.approx(182)


def test_the_page_shows_the_gap_in_red_with_a_text_alternative(client, shop, admin):  # S5
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/insights/staffing/nat/").content.decode()
    assert page.count('class="gap"') == 5  # 10–11 on each weekday
    assert 'fill="#d92d20"' in page
    assert "<title" in page and "<desc" in page
    assert "10: 2 / 1,0" in page  # the table says it too (Swedish decimal comma)
    assert "400" in page  # rule T1 explained


def test_an_agent_of_another_shop_gets_404(client, shop):
    stranger = AgentFactory(shops=[ShopFactory(slug="annan")])
    client.force_login(stranger)
    assert client.get("/insights/staffing/nat/").status_code == 404


def test_an_agent_who_is_not_admin_gets_403(client, shop):
    client.force_login(AgentFactory(shops=[shop]))
    assert client.get("/insights/staffing/nat/").status_code == 403
