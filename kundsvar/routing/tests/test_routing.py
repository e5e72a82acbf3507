"""Routing (T2): new cases to the team queue for their language (and topic), automatic
assignment to the available qualified agent with the least load, round robin among
equals, never to someone offline or on leave; escalation back to the team when the
assignee leaves a case unanswered near its promise; "Next case"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kundsvar.accounts.models import Team
from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.chat.services import set_availability
from kundsvar.routing import queries, services
from kundsvar.routing.models import Escalation
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.staffing import services as staffing

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shop():
    return ShopFactory(slug="nat")


def _online(shop, *names, languages=(), capacity=15):
    agents = []
    for name in names:
        agent = AgentFactory(shops=[shop], first_name=name)
        set_availability(agent, "online")
        services.save_profile(shop, agent, languages=languages, capacity=capacity)
        agents.append(agent)
    return agents


def _open(shop, at, n=1, **kwargs):
    return [
        open_email_case(
            shop, at, sender=f"kund{i}-{kwargs.get('language', 'sv')}@example.se", **kwargs
        )
        for i in range(n)
    ]


def test_least_load_first_then_in_turn(shop, now, time_machine):
    anna, bo, cia = _online(shop, "Anna", "Bo", "Cia")
    first = _open(shop, now)[0]
    cases.assign(first, anna)
    got = []
    for case in _open(shop, now, 4, subject="Fråga"):
        time_machine.shift(timedelta(seconds=1))
        got.append(services.auto_assign(case, now=timezone.now()).first_name)
    # Bo and Cia had none: they first, in turn; then all three have one, Anna waited longest.
    assert got[:2] in (["Bo", "Cia"], ["Cia", "Bo"])
    assert got[2] == "Anna" and got[3] == got[0]


def test_nobody_offline_away_or_on_leave_gets_a_case(shop, now):
    anna, bo, cia = _online(shop, "Anna", "Bo", "Cia")
    set_availability(bo, "away")
    staffing.set_exception(shop, cia, timezone.localdate(now, shop.tz))  # a day off
    dan = AgentFactory(shops=[shop], first_name="Dan")  # never opened the inbox: offline
    services.save_profile(shop, dan)
    for case in _open(shop, now, 3):
        assert services.auto_assign(case, now=now) == anna
    assert queries.available(shop, now) == {anna.pk}


def test_an_inbox_closed_for_minutes_is_offline(shop, now, time_machine):
    (anna,) = _online(shop, "Anna")
    time_machine.shift(timedelta(minutes=5))  # no "still here" since
    (case,) = _open(shop, timezone.now())
    assert services.auto_assign(case, now=timezone.now()) is None
    assert Case.objects.get(pk=case.pk).assignee is None


def test_language_and_capacity(shop, now):
    (sv,) = _online(shop, "Svea", languages=["sv"], capacity=1)
    (en,) = _online(shop, "Emma", languages=["en", "sv"], capacity=5)
    english = open_email_case(
        shop,
        now,
        sender="john@example.com",
        subject="Order",
        text="Hello, where is my order? It is late.",
    )
    assert english.language == "en"
    assert services.auto_assign(english, now=now) == en
    a, b = _open(shop, now, 2)
    assert services.auto_assign(a, now=now) == sv
    assert services.auto_assign(b, now=now) == en  # Svea is full (capacity 1)


def test_new_cases_go_to_the_team_queue_and_to_an_agent(
    shop, now, django_capture_on_commit_callbacks
):
    norge = Team.objects.create(shop=shop, name="Norge")
    sverige = Team.objects.create(shop=shop, name="Sverige")
    services.save_team_queue(norge, languages=["nb"])
    services.save_team_queue(sverige, languages=["sv"])
    (ola,) = _online(shop, "Ola")
    norge.members.add(ola)
    services.save_settings(shop, auto_assign=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = open_email_case(
            shop,
            now,
            sender="ola@example.no",
            subject="Pakke",
            text="Hei! Jeg har ikke fått pakken min ennå. Kan dere sjekke hvor den er?",
        )
    case.refresh_from_db()
    assert case.language == "nb"
    assert (case.team, case.assignee) == (norge, ola)
    with django_capture_on_commit_callbacks(execute=True):
        swedish = open_email_case(shop, now, text="Hej! Var är mitt paket? Det har inte kommit.")
    swedish.refresh_from_db()
    # Sverige's queue has nobody in it yet: it waits there, not given to Norway's Ola.
    assert (swedish.team, swedish.assignee) == (sverige, None)


def test_a_case_left_unanswered_near_its_promise_goes_back_to_the_team(shop, now):
    anna, bo = _online(shop, "Anna", "Bo")
    services.save_settings(shop, escalate_minutes=30, auto_assign=True)
    (case,) = _open(shop, now)
    cases.assign(case, anna)
    assert services.escalate(case.due_at - timedelta(minutes=31)) == 0
    at = case.due_at - timedelta(minutes=29)
    set_availability(bo, "online", now=at)
    assert services.escalate(at) == 1
    case.refresh_from_db()
    assert case.assignee == bo  # back to the team, and to the other available agent
    events = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED)
    assert events.filter(data__reason="escalated").count() == 1
    assert Escalation.objects.get(case=case).agent == anna
    assert services.escalate(at + timedelta(minutes=1)) == 0  # once per promise


def test_next_case_gives_the_most_urgent_qualified_case(client, shop, now):
    (svea,) = _online(shop, "Svea", languages=["sv"])
    english = open_email_case(
        shop,
        now - timedelta(hours=2),
        sender="john@example.com",
        text="Hello, where is my parcel? It is late.",
    )
    older, newer = _open(shop, now - timedelta(hours=1)), _open(shop, now, language="sv")
    taken = open_email_case(shop, now - timedelta(hours=3), sender="x@example.se")
    cases.assign(taken, AgentFactory(shops=[shop]))
    client.force_login(svea)
    response = client.post("/cases/next/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{older[0].number}/"
    assert Case.objects.get(pk=older[0].pk).assignee == svea
    assert english.pk and newer  # not hers: English, then a later promise
    assert client.get("/cases/next/").status_code == 405


def test_the_routing_page_saves_skills_and_queues(client, shop, now):
    from kundsvar.accounts.models import Membership, Role

    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    team = Team.objects.create(shop=shop, name="Norge")
    client.force_login(admin)
    assert client.get("/settings/nat/routing/").status_code == 200
    client.post(
        "/settings/nat/routing/",
        {
            "action": f"agent-{admin.pk}",
            f"agent-{admin.pk}-languages": ["nb"],
            f"agent-{admin.pk}-capacity": 7,
            f"agent-{admin.pk}-chat_capacity": 2,
        },
    )
    client.post(
        "/settings/nat/routing/",
        {"action": f"team-{team.pk}", f"team-{team.pk}-languages": ["nb", "da"]},
    )
    client.post(
        "/settings/nat/routing/",
        {"action": "settings", "settings-auto_assign": "on", "settings-escalate_minutes": 15},
    )
    profile = admin.routing_profiles.get()
    assert (profile.languages, profile.capacity) == (["nb"], 7)
    assert team.queue.languages == ["da", "nb"]
    assert services.settings_for(shop).auto_assign is True
    client.force_login(AgentFactory(shops=[shop]))
    assert client.get("/settings/nat/routing/").status_code == 403


def test_topic_skills_and_the_team_queue_by_topic(shop, now, django_capture_on_commit_callbacks):
    from kundsvar.topics.tests.factories import seeded

    topics = seeded(shop)
    returns = Team.objects.create(shop=shop, name="Returer")
    services.save_team_queue(returns, topics=[topics["return"].pk, topics["refund"].pk])
    rita, gus = _online(shop, "Rita", "Gus")
    returns.members.add(rita, gus)
    services.save_profile(shop, gus, topics=[topics["refund"].pk])
    services.save_settings(shop, auto_assign=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = open_email_case(shop, now, topic_id=topics["return"].pk)
    case.refresh_from_db()
    assert (case.team, case.assignee) == (returns, rita)  # Gus does refunds only
    with django_capture_on_commit_callbacks(execute=True):
        other = open_email_case(shop, now, sender="b@example.se", topic_id=topics["payment"].pk)
    other.refresh_from_db()
    assert other.team is None  # no queue takes payments: the shop's common queue
