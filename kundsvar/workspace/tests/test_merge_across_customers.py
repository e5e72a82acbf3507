"""Merging two customers' cases leaks one customer's conversation to the other unless
they are the same person: a merge of different customers is refused, or confirmed as
"the same person" and then merges the customers too (rules C5, R5)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.models import Direction, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.customers.models import Customer
from kundsvar.portal.links import portal_url
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", email="kundtjanst@nordljus.example")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def two_customers(shop, time_machine):
    time_machine.move_to(timezone.now().replace(microsecond=0), tick=False)
    now = timezone.now()
    x_case = open_email_case(
        shop,
        now - timedelta(hours=2),
        sender="Xena <xena@example.se>",
        text="X: min adress är Storgatan 1",
    )
    y_case = open_email_case(
        shop,
        now - timedelta(hours=1),
        sender="Yngve <yngve@example.se>",
        text="Y: mitt ordernummer är 100999",
    )
    return x_case, y_case


def test_merging_cases_of_different_customers_is_refused(two_customers, agent):
    x_case, y_case = two_customers
    with pytest.raises(services.CaseError, match=f"#{y_case.number}"):
        services.merge_cases(x_case, y_case, actor=agent)
    x_case.refresh_from_db()
    assert x_case.merged_into is None and x_case.messages.count() == 1
    assert y_case.messages.count() == 1


def test_confirmed_same_person_merges_the_customers_too(two_customers, agent):  # C5
    x_case, y_case = two_customers
    x_customer = x_case.customer_id
    merged = services.merge_cases(x_case, y_case, actor=agent, same_person=True)
    x_case.refresh_from_db()
    assert x_case.merged_into == merged
    assert x_case.customer_id == merged.customer_id == y_case.customer_id
    assert not Customer.objects.filter(pk=x_customer).exists()
    assert {e.address for e in merged.customer.emails.all()} == {
        "xena@example.se",
        "yngve@example.se",
    }


def test_x_sees_nothing_of_y_after_a_one_click_merge(
    client, two_customers, agent, django_capture_on_commit_callbacks
):
    """The attacker's view: Xena's portal link and mailbox never show Yngve's words."""
    x_case, y_case = two_customers
    client.force_login(agent)
    client.post(reverse("cases:merge", args=[x_case.number]), {"into": y_case.number})
    x_case.refresh_from_db()
    assert x_case.merged_into is None
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(y_case, agent, "Hej Yngve! Order 100999 skickas i dag.")
    client.logout()
    page = client.get(urlsplit(portal_url(x_case)).path).content.decode()
    assert "Storgatan 1" in page and "100999" not in page
    to_xena = [m for m in mail.outbox if "xena@example.se" in m.to]
    assert all("100999" not in m.body for m in to_xena)


def test_the_merge_page_asks_before_merging(client, two_customers, agent):
    x_case, y_case = two_customers
    client.force_login(agent)
    url = reverse("cases:merge", args=[x_case.number])
    page = client.get(url, {"into": y_case.number})
    assert page.status_code == 200
    text = page.content.decode()
    assert "xena@example.se" in text and "yngve@example.se" in text
    assert 'name="same_person"' in text
    response = client.post(url, {"into": y_case.number})
    assert response.status_code == 200  # the confirmation page again, nothing merged
    response = client.post(url, {"into": y_case.number, "confirm": "1"})
    assert "same person" in response.content.decode()
    x_case.refresh_from_db()
    assert x_case.merged_into is None
    response = client.post(url, {"into": y_case.number, "confirm": "1", "same_person": "on"})
    assert response.status_code == 302
    x_case.refresh_from_db()
    assert x_case.merged_into == y_case and x_case.customer_id == y_case.customer_id


def test_the_same_customers_cases_merge_after_confirmation(client, shop, agent):
    now = timezone.now()
    first = open_email_case(shop, now - timedelta(hours=2), sender="karin@example.se")
    second = open_email_case(shop, now - timedelta(hours=1), sender="karin@example.se")
    client.force_login(agent)
    url = reverse("cases:merge", args=[second.number])
    page = client.post(url, {"into": first.number}).content.decode()
    assert 'name="same_person"' not in page and 'name="confirm"' in page
    second.refresh_from_db()
    assert second.merged_into is None
    response = client.post(url, {"into": first.number, "confirm": "1"})
    assert response["Location"] == reverse("cases:detail", args=[first.number])
    second.refresh_from_db()
    assert second.merged_into == first and second.status == Status.CLOSED


def test_bulk_merge_of_different_customers_needs_the_same_confirmation(
    client, two_customers, agent
):
    x_case, y_case = two_customers
    client.force_login(agent)
    data = {"cases": [x_case.number, y_case.number], "action": "merge"}
    page = client.post(reverse("cases:bulk"), data)
    assert page.status_code == 200 and 'name="same_person"' in page.content.decode()
    client.post(reverse("cases:bulk"), {**data, "confirm": "1"})
    y_case.refresh_from_db()
    assert y_case.merged_into is None and y_case.messages.count() == 1
    client.post(reverse("cases:bulk"), {**data, "confirm": "1", "same_person": "on"})
    y_case.refresh_from_db()
    assert y_case.merged_into == x_case  # into the oldest
    assert x_case.messages.filter(direction=Direction.INBOUND).count() == 2


def test_bulk_merge_with_a_case_the_agent_cannot_see_is_refused(client, shop, agent):
    mine = open_email_case(shop, timezone.now(), sender="k@example.se")
    other_shop = ShopFactory()
    theirs = open_email_case(other_shop, timezone.now(), sender="k@example.se")
    also_theirs = open_email_case(other_shop, timezone.now(), sender="k@example.se")
    client.force_login(agent)
    response = client.post(
        reverse("cases:bulk"),
        {"cases": [theirs.number, also_theirs.number], "action": "merge", "confirm": "1"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("cases:bulk"),
        {"cases": [mine.number, theirs.number], "action": "merge", "confirm": "1"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_bulk_next_only_goes_to_this_site(client, shop, agent):
    case = open_email_case(shop, timezone.now())
    client.force_login(agent)
    response = client.post(
        reverse("cases:bulk"),
        {"cases": [case.number], "action": "close", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("cases:queue")
    response = client.post(
        reverse("cases:bulk"),
        {"cases": [case.number], "action": "close", "next": "/cases/?view=mine"},
    )
    assert response["Location"] == "/cases/?view=mine"


def test_a_link_never_follows_a_merge_into_another_customers_case(client, two_customers):
    """A merge of two customers made before merges were checked (or by hand in the
    database): Xena's link shows nothing rather than Yngve's conversation."""
    x_case, y_case = two_customers
    x_case.messages.update(case=y_case)
    type(x_case).objects.filter(pk=x_case.pk).update(merged_into=y_case, status=Status.CLOSED)
    response = client.get(urlsplit(portal_url(x_case)).path)
    assert response.status_code == 404
    assert "100999" not in response.content.decode()


def test_the_case_page_asks_in_a_dialog(client, two_customers, agent):
    """From the case page (htmx) the confirmation is the dialog's content, not a page;
    nothing is merged until the dialog's own form (an ordinary POST) confirms."""
    x_case, y_case = two_customers
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[x_case.number])).content.decode()
    assert 'id="case-merge-dialog"' in page and 'hx-target="#case-merge-body"' in page
    url = reverse("cases:merge", args=[x_case.number])
    asked = client.post(url, {"into": y_case.number}, HTTP_HX_REQUEST="true")
    text = asked.content.decode()
    assert asked.status_code == 200 and "<html" not in text
    assert "xena@example.se" in text and 'name="same_person"' in text
    assert "data-close-dialog" in text and 'name="confirm"' in text
    missing = client.post(url, {"into": "999999"}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 200 and "999999" in missing.content.decode()
    assert "<html" not in missing.content.decode()
    x_case.refresh_from_db()
    assert x_case.merged_into is None
    done = client.post(url, {"into": y_case.number, "confirm": "1", "same_person": "on"})
    assert done["Location"] == reverse("cases:detail", args=[y_case.number])
