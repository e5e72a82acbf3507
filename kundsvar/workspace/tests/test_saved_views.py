"""Saved views per agent (issue 16): the queue's filters under a name, in the sidebar
with a bounded live count; rename, reorder and delete; nobody touches another's views."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace.models import SavedView

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def _views(response):
    return [(s["view"].name, s["count"]) for s in response.context["saved_views"]]


def test_save_the_current_filters_as_a_view_with_its_count(logged_in, shop, agent):
    now = timezone.now()
    open_email_case(shop, now - timedelta(hours=1), sender="a@example.se")
    english = open_email_case(shop, now - timedelta(hours=2), sender="b@example.se")
    services.set_language(english, "en", actor=agent)
    response = logged_in.post(
        reverse("cases:view_save"),
        {"name": "Svenska", "query": "view=open&language=sv&after=12&event=opened"},
    )
    assert response.status_code == 302
    saved = SavedView.objects.get(agent=agent)
    assert saved.query == "view=open&language=sv"  # only the queue's own filters
    page = logged_in.get(reverse("cases:queue"))
    assert _views(page) == [("Svenska", 1)]
    assert 'href="?view=open&amp;language=sv"' in page.content.decode()


def test_rename_reorder_delete(logged_in, agent):
    for name in ("A", "B", "C"):
        logged_in.post(reverse("cases:view_save"), {"name": name, "query": f"tag={name}"})
    c = SavedView.objects.get(name="C")
    logged_in.post(reverse("cases:view_move", args=[c.pk]), {"to": "up"})
    assert list(SavedView.objects.values_list("name", flat=True)) == ["A", "C", "B"]
    logged_in.post(reverse("cases:view_rename", args=[c.pk]), {"name": "Cee"})
    logged_in.post(reverse("cases:view_delete", args=[SavedView.objects.get(name="A").pk]))
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Cee", "B"]


def test_views_are_the_agents_own(client, logged_in, shop):
    logged_in.post(reverse("cases:view_save"), {"name": "Mine", "query": "tag=x"})
    view = SavedView.objects.get()
    client.force_login(AgentFactory(shops=[shop]))
    assert client.post(reverse("cases:view_delete", args=[view.pk])).status_code == 404
    assert _views(client.get(reverse("cases:queue"))) == []
    assert SavedView.objects.exists()


def test_view_counts_are_bounded_queries(logged_in, shop):
    for i in range(3):
        logged_in.post(reverse("cases:view_save"), {"name": f"V{i}", "query": f"tag=t{i}"})
    now = timezone.now()
    open_email_case(shop, now - timedelta(minutes=30), sender="first@example.se")
    logged_in.get(reverse("cases:queue"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            logged_in.get(reverse("cases:queue"))
        return len(captured)

    few = queries()
    for i in range(5):
        open_email_case(shop, now - timedelta(hours=i + 1), sender=f"c{i}@example.se")
    assert queries() == few
