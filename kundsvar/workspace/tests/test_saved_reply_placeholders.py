"""A typo in one saved reply must not break every case page of the shop, and a saved
reply can only fill in plain named variables — never reach into objects the way
str.format's {x.attr} and {x[0]} do (rules R6, R7)."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.models import SavedReply
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import saved_replies

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
# A body and the placeholder the form names.
BROKEN = {
    "Hej {kund": "{kund",
    "Hej {0}!": "{0}",
    "Hej {customer_name[0]}!": "{customer_name[0]}",
    "Hej {customer.__class__}!": "{customer.__class__}",
    "Hej {customer_name!r}!": "{customer_name!r}",
    "Hej {customer_name:>99}!": "{customer_name:&gt;99}",
    "Hej kund}!": "}",
}


@pytest.fixture
def shop():
    return ShopFactory(slug="nordljus", name="Nordljus")


@pytest.fixture
def admin(client, shop):
    agent = AgentFactory(username="alice", first_name="Alice")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    client.force_login(agent)
    return agent


@pytest.mark.parametrize("body", BROKEN)
def test_a_stored_broken_saved_reply_never_breaks_the_case_page(client, shop, admin, body):
    SavedReply.objects.create(shop=shop, title="Trasig", body=body)  # straight into the DB
    SavedReply.objects.create(shop=shop, title="Hel", body="Hej {customer_first_name}!")
    case = open_email_case(
        shop, T0, sender="Karin Lindqvist <karin@example.se>", from_name="Karin Lindqvist"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hej Karin!" in page  # the good one still works
    assert "Trasig" in page
    assert "cannot fill in" in page  # the agent is told which one is broken


def test_a_broken_placeholder_stays_visible_as_text(shop, admin):
    case = open_email_case(
        shop, T0, sender="Karin Lindqvist <karin@example.se>", from_name="Karin Lindqvist"
    )
    reply = SavedReply(body="Hej {kund, {customer_first_name}! {customer.__class__} {0}")
    assert saved_replies.render(reply, case, admin) == (
        "Hej {kund, Karin! {customer.__class__} {0}"
    )


def test_only_plain_named_variables_are_filled(shop, admin):  # no data leak via format
    case = open_email_case(shop, T0)
    for body in [
        "{case_number.__class__.__init__.__globals__}",
        "{shop_name.__doc__}",
        "{customer_name[0]}",
        "{case_number!r}",
    ]:
        assert saved_replies.render(SavedReply(body=body), case, admin) == body


@pytest.mark.parametrize("body", BROKEN)
def test_saving_a_broken_saved_reply_names_the_placeholder(client, shop, admin, body):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(
        reverse("settings:saved_reply_new", args=[shop.slug]),
        {"title": "Retur", "body": body, "language": "sv"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Okänd variabel: {BROKEN[body]}." in page
    assert not SavedReply.objects.exists()


def test_the_form_lists_every_unknown_variable(client, shop, admin):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(
        reverse("settings:saved_reply_new", args=[shop.slug]),
        {
            "title": "Retur",
            "body": "Hej {kund}, ang. {ordernummer}: {order_number}",
            "language": "sv",
        },
    )
    assert "Okänd variabel: {kund}, {ordernummer}." in response.content.decode()
