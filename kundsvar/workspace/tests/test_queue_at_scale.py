"""The queue built for a million cases (issue 16): view counts from maintained tallies
(equal to counting, whatever wrote the case), keyset pages in the queue's order (S2,
S3), the last message's preview, and a fixed number of queries per page; the customer
list and its search."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import queries, services, tallies
from kundsvar.cases.models import Case, QueueTally, SlaState, Status
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.customers.models import CustomerPhone
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla import services as sla
from kundsvar.workspace import views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


@pytest.fixture
def other_shop():
    return ShopFactory(name="Fjellpost", slug="fjellpost")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def counted(agent) -> dict[str, int]:
    """What COUNT(*) says for every view: the truth the tallies must match."""
    return {view: queries.queue(agent, view).count() for view in queries.VIEWS}


def _world(shop, other_shop, agent):
    now = timezone.now()
    colleague = AgentFactory(shops=[shop], first_name="Bo")
    made = [
        open_email_case(shop, now - timedelta(hours=i), sender=f"k{i}@example.se")
        for i in range(1, 9)
    ]
    open_email_case(other_shop, now - timedelta(hours=1), sender="x@example.no")
    services.assign(made[0], agent)
    services.assign(made[1], colleague)
    services.reply(made[2], agent, "Vilket ordernummer?", then=Status.WAITING)
    services.assign(made[2], agent)
    services.reply(made[3], agent, "Klart.", then=Status.CLOSED)
    services.snooze(made[4], now + timedelta(days=1), actor=agent)
    # Snoozed an hour ago until five minutes ago: awake again, nothing wrote to it since.
    services.snooze(made[5], now - timedelta(minutes=5), actor=agent, now=now - timedelta(hours=1))
    write_again(made[3], now - timedelta(minutes=1))  # reopened by the customer
    return made


def test_view_counts_are_what_counting_says_after_every_kind_of_write(
    logged_in, shop, other_shop, agent
):  # S2
    made = _world(shop, other_shop, agent)
    assert queries.view_counts(agent) == counted(agent)
    # The SLA sweep writes with bulk UPDATEs, not through a model's save().
    Case.objects.filter(pk=made[6].pk).update(due_at=timezone.now() - timedelta(minutes=1))
    sla.sweep()
    assert Case.objects.get(pk=made[6].pk).sla_state == SlaState.BREACHED
    Case.objects.filter(pk=made[7].pk).delete()
    counts = queries.view_counts(agent)
    assert counts == counted(agent)
    assert counts["risk"] >= 1 and counts["snoozed"] == 1 and counts["mine"] == 2
    page = logged_in.get(reverse("cases:queue"), {"view": "waiting"}).content.decode()
    assert f'data-count="open">{counts["open"]}<' in page
    assert f'data-count="closed">{counts["closed"]}<' in page


def test_tally_triggers_are_installed_and_a_recount_changes_nothing(shop, other_shop, agent):
    _world(shop, other_shop, agent)
    assert tallies.installed() == set(tallies.TRIGGERS)
    live = _tallied()
    tallies.recount()
    assert _tallied() == live


def _tallied() -> set:
    """Each key's count: the sum of its stripes (PostgreSQL keeps several rows a key)."""
    keys = QueueTally.objects.values("shop_id", "lane", "assignee_id", "sla_state")
    return {tuple(row.values()) for row in keys.annotate(total=Sum("n")).filter(total__gt=0)}


def test_keyset_pages_walk_the_whole_view_in_queue_order(logged_in, shop, agent, monkeypatch):
    # S2/S3: deadline first, at equal deadlines the follow-up first; no OFFSET.
    now = timezone.now()
    for i in range(7):
        open_email_case(shop, now - timedelta(hours=i), sender=f"k{i}@example.se")
    same_due = list(Case.objects.order_by("id")[:3])
    Case.objects.filter(pk__in=[c.pk for c in same_due]).update(due_at=now + timedelta(hours=1))
    Case.objects.filter(pk=same_due[2].pk).update(is_follow_up=True)
    Case.objects.filter(pk=same_due[1].pk).update(due_at=None)  # owed without a deadline
    closed = [open_email_case(shop, now - timedelta(days=2, hours=i)) for i in range(4)]
    for case in closed:
        services.change_status(case, Status.CLOSED, actor=agent)
    newest = Case.objects.filter(status="new").order_by("-id")[:3]
    for hours, case in zip((5, 3, 3), newest, strict=True):
        services.snooze(case, now + timedelta(hours=hours), actor=agent)  # soonest awake first
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for view in ("open", "closed", "snoozed"):
        expected = list(queries.queue(agent, view).values_list("number", flat=True))
        walked, params = [], {"view": view}
        while True:
            response = logged_in.get(reverse("cases:queue"), params)
            walked += [c.number for c in response.context["cases"]]
            if not response.context["more"]:
                break
            params = {"view": view, "after": walked[-1]}
        assert walked == expected, view
    open_order = list(queries.queue(agent, "open"))
    assert open_order[0].pk == same_due[2].pk  # the follow-up first at the same deadline
    assert open_order[-1].pk == same_due[1].pk  # no deadline: last


def test_rows_show_the_last_message_not_the_internal_note(logged_in, shop, agent):
    case = open_email_case(shop, timezone.now() - timedelta(hours=2), text="Var är paketet?")
    services.reply(case, agent, "Det kommer i morgon.", then=Status.WAITING)
    services.add_note(case, agent, "Hemlig anteckning")
    waiting = {"view": "waiting"}
    row = logged_in.get(reverse("cases:queue"), waiting).context["cases"][0]
    assert row.preview == "Det kommer i morgon."
    page = logged_in.get(reverse("cases:queue"), waiting).content.decode()
    assert "Hemlig anteckning" not in page


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_every_view_and_the_next_page_cost_the_same_queries_for_3_or_30_cases(
    logged_in, shop, agent, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    now = timezone.now()
    url = reverse("cases:queue")

    def add(n):
        for i in range(n):
            case = open_email_case(shop, now - timedelta(minutes=i), sender=f"k{i}@x.se")
            services.set_tags(case, ["a", "b"])
            services.assign(case, agent)
            if i % 3 == 0:
                services.reply(case, agent, "Svar", then=Status.WAITING)

    add(3)
    few = {v: _queries(logged_in, url, {"view": v}) for v in queries.VIEWS}
    add(27)
    assert {v: _queries(logged_in, url, {"view": v}) for v in queries.VIEWS} == few
    first = logged_in.get(url).context["cases"][-1].number
    assert _queries(logged_in, url, {"after": first}) == few["open"] + 1  # the cursor row


def test_customer_search_by_name_address_phone_and_case_number(
    logged_in, shop, other_shop, agent
):  # C5
    now = timezone.now()
    karin = open_email_case(shop, now, sender="karin.lindqvist@example.se").customer
    karin.name = "Karin Lindqvist"
    karin.save()
    CustomerPhone.objects.create(customer=karin, number="070-123 45 67", normalized="+46701234567")
    erik = open_email_case(shop, now, sender="erik@example.se")
    elsewhere = open_email_case(other_shop, now, sender="karin@example.no").customer
    elsewhere.name = "Karin Lindqvist"
    elsewhere.save()
    url = reverse("customers:list")

    def found(q):
        return [c.pk for c in logged_in.get(url, {"q": q}).context["customers"]]

    assert found("lindqvist karin") == [karin.pk]  # every word, any order; not the other shop
    assert found("KARIN.LIND") == [karin.pk]
    assert found("karin@example") == []  # the address of the other shop's customer
    assert found("0701234567") == [karin.pk]
    assert found(str(erik.number)) == [erik.customer_id]
    assert found("nobody-here") == []
    assert logged_in.get(reverse("customers:profile", args=[karin.pk])).status_code == 200
    assert logged_in.get(reverse("customers:profile", args=[elsewhere.pk])).status_code == 404
    page = logged_in.get(reverse("customers:profile", args=[karin.pk])).content.decode()
    assert "karin.lindqvist@example.se" in page and "Leveranstid jacka" in page


def test_customer_list_costs_the_same_queries_for_3_or_30_customers(logged_in, shop):
    url = reverse("customers:list")
    for i in range(3):
        open_email_case(shop, timezone.now(), sender=f"kund{i}@example.se")
    few = _queries(logged_in, url, {"q": "kund"})
    for i in range(3, 30):
        open_email_case(shop, timezone.now(), sender=f"kund{i}@example.se")
    assert _queries(logged_in, url, {"q": "kund"}) == few
    assert len(logged_in.get(url, {"q": "kund"}).context["customers"]) == 30
