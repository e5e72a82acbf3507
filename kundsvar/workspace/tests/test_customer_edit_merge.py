"""Editing a customer's contact details and merging two customers who are one person
(issue 16, rule C5: one customer history), and a customer search that reads indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.customers.models import Customer, CustomerEvent
from kundsvar.customers.services import add_phone, find_or_create_customer
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", country="SE")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def test_edit_contact_details_with_an_audit_record(logged_in, shop, agent):
    karin = find_or_create_customer(shop, "karin@example.se", "Karin")
    url = reverse("customers:edit", args=[karin.pk])
    response = logged_in.post(
        url,
        {
            "name": " Karin  Berg ",
            "emails": "karin@example.se\nKARIN@jobb.se",
            "phones": "070-123 45 67",
        },
    )
    assert response.status_code == 302
    karin.refresh_from_db()
    assert karin.name == "Karin Berg"
    assert sorted(karin.emails.values_list("address", flat=True)) == [
        "karin@example.se",
        "karin@jobb.se",
    ]
    assert list(karin.phones.values_list("normalized", flat=True)) == ["46701234567"]
    event = CustomerEvent.objects.get(customer_id=karin.pk, kind="edited")
    assert event.actor == agent
    assert event.data["before"]["name"] == "Karin"
    assert event.data["after"]["emails"] == ["karin@example.se", "karin@jobb.se"]


def test_edit_refuses_a_bad_address_or_someone_elses(logged_in, shop):
    karin = find_or_create_customer(shop, "karin@example.se", "Karin")
    find_or_create_customer(shop, "bo@example.se", "Bo")
    url = reverse("customers:edit", args=[karin.pk])
    bad = logged_in.post(url, {"name": "Karin", "emails": "karin@", "phones": ""})
    assert bad.status_code == 400 and "is not an email address" in bad.content.decode()
    taken = logged_in.post(url, {"name": "Karin", "emails": "Bo@example.se", "phones": ""})
    assert taken.status_code == 400 and "merge" in taken.content.decode()
    assert list(karin.emails.values_list("address", flat=True)) == ["karin@example.se"]
    assert not CustomerEvent.objects.exists()


def test_merge_shows_what_moves_and_needs_confirmation(logged_in, shop, agent):
    home = find_or_create_customer(shop, "karin@example.se", "Karin Berg")
    work = find_or_create_customer(shop, "karin@jobb.se", "")
    case = open_email_case(shop, timezone.now() - timedelta(hours=1), sender="karin@jobb.se")
    OrderFactory(shop=shop, customer=work, email="karin@jobb.se")
    url = reverse("customers:merge", args=[work.pk])
    page = logged_in.get(url, {"other": home.pk, "keep": home.pk}).content.decode()
    assert "1 cases" in page and "1 orders" in page and "1 email addresses" in page
    assert Customer.objects.filter(pk=work.pk).exists()  # only shown
    response = logged_in.post(url, {"other": home.pk, "keep": home.pk, "confirm": "1"})
    assert response.url == reverse("customers:profile", args=[home.pk])
    assert not Customer.objects.filter(pk=work.pk).exists()
    case.refresh_from_db()
    assert case.customer_id == home.pk
    assert home.orders.count() == 1
    assert set(home.emails.values_list("address", flat=True)) == {
        "karin@example.se",
        "karin@jobb.se",
    }
    kinds = dict(CustomerEvent.objects.values_list("customer_id", "kind"))
    assert kinds == {home.pk: "merged_from", work.pk: "merged_into"}


def test_no_merge_or_edit_across_shops(client, shop):
    karin = find_or_create_customer(shop, "karin@example.se", "Karin")
    other_shop = ShopFactory()
    theirs = find_or_create_customer(other_shop, "x@example.se", "X")
    client.force_login(AgentFactory(shops=[other_shop]))
    assert client.get(reverse("customers:edit", args=[karin.pk])).status_code == 404
    merge = reverse("customers:merge", args=[theirs.pk])
    page = client.post(merge, {"other": karin.pk, "keep": theirs.pk, "confirm": "1"})
    assert page.status_code == 200  # no such customer to merge with: asked to pick again
    assert Customer.objects.filter(pk=karin.pk).exists()


def _search(client, q: str) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"), {"q": q})
    return [c.name for c in response.context["customers"]], len(queries)


def test_search_by_name_start_surname_address_and_phone(logged_in, shop):
    karin = find_or_create_customer(shop, "karin.berg@example.se", "Karin Berg")
    find_or_create_customer(shop, "asa@example.se", "Åsa Öberg")
    add_phone(karin, "070-123 45 67", "SE")
    assert _search(logged_in, "kar")[0] == ["Karin Berg"]
    assert _search(logged_in, "BERG")[0] == ["Karin Berg"]
    assert _search(logged_in, "karin b")[0] == ["Karin Berg"]
    assert _search(logged_in, "öberg")[0] == ["Åsa Öberg"]
    assert _search(logged_in, "karin.berg@")[0] == ["Karin Berg"]
    assert _search(logged_in, "0701234567")[0] == ["Karin Berg"]
    assert _search(logged_in, "erg")[0] == []  # a prefix search: not the middle of a word


def test_search_queries_do_not_grow_with_customers(logged_in, shop):
    find_or_create_customer(shop, "karin@example.se", "Karin Berg")
    _search(logged_in, "karin")
    few = [_search(logged_in, q)[1] for q in ("karin", "karin berg", "0701234567")]
    for i in range(30):
        find_or_create_customer(shop, f"karin{i}@example.se", f"Karin Berg{i}")
    many = [_search(logged_in, q)[1] for q in ("karin", "karin berg", "0701234567")]
    assert many == few


def test_search_uses_an_index_not_a_scan():
    """The name condition is a range on an indexed column (SQLite's plan says so)."""
    from django.db.models import F

    from kundsvar.workspace.customers import _starts

    qs = Customer.objects.filter(_starts(F("name_key"), ["kar"])).order_by("-id")[:50]
    sql, params = qs.query.sql_with_params()
    assert "LIKE" not in sql
    assert ">=" in sql and "<" in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "name_key" in plan and "INDEX" in plan


def test_the_profile_merges_in_a_dialog(logged_in, shop):
    """The profile's merge opens a dialog (htmx): picking and the preview come as the
    dialog's content; the confirmation is an ordinary POST to the kept customer's page."""
    home = find_or_create_customer(shop, "karin@example.se", "Karin Berg")
    work = find_or_create_customer(shop, "karin@jobb.se", "Karin på jobbet")
    profile = logged_in.get(reverse("customers:profile", args=[work.pk])).content.decode()
    assert 'id="merge-dialog"' in profile and 'hx-target="#merge-body"' in profile
    url = reverse("customers:merge", args=[work.pk])
    pick = logged_in.get(url, {"q": "Karin B"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in pick and f"{url}?other={home.pk}" in pick
    asked = logged_in.get(url, {"other": home.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in asked and "data-close-dialog" in asked
    assert 'hx-boost="false"' in asked  # the confirmation leaves the dialog
    assert Customer.objects.filter(pk=home.pk).exists()
    done = logged_in.post(url, {"other": home.pk, "keep": home.pk, "confirm": "1"})
    assert done.url == reverse("customers:profile", args=[home.pk])
    assert not Customer.objects.filter(pk=work.pk).exists()
