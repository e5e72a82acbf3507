"""Search everywhere (issue 16): one box finds cases in every view (closed ones too, not
only the current view), customers, orders by number and FAQ articles, with the Swedish
stemming of the full-text search (rule K2), a fixed number of queries, and nothing of a
shop the agent does not work for."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def world(shop, agent, committed, make_article):
    now = timezone.now()
    lamp = committed(
        open_email_case,
        shop,
        now - timedelta(days=40),
        sender="karin@example.se",
        subject="Trasig lampa",
        text="Lampan kom trasig, glaset var krossat. Order 10442.",
        from_name="Karin Lindqvist",
    )
    committed(cases.change_status, lamp, Status.CLOSED, actor=agent)
    committed(
        open_email_case,
        shop,
        now - timedelta(hours=1),
        sender="erik@example.se",
        subject="Retur",
        text="Hur gör jag en retur av kudden?",
    )
    OrderFactory(shop=shop, customer=lamp.customer, number="10442", name="Karin Lindqvist")
    make_article(shop, "Trasiga varor", "Skicka en bild på glaset som gick sönder.")
    elsewhere = ShopFactory(name="Fjärran")
    committed(
        open_email_case,
        elsewhere,
        now,
        sender="karin@annat.example",
        subject="Trasigt glas",
        text="Glaset var trasigt.",
        from_name="Karin Annan",
    )
    OrderFactory(shop=elsewhere, number="10442")
    return lamp


def test_one_box_finds_closed_cases_customers_orders_and_faq(client, agent, world):
    client.force_login(agent)
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("search"), {"q": "glasen"})  # a word form: stemmed (K2)
    assert page.status_code == 200
    assert [c.number for c in page.context["cases"]] == [world.number]  # closed, another view
    assert [a.title for _shop, a in page.context["articles"]] == ["Trasiga varor"]
    html = page.content.decode()
    assert f"#{world.number}" in html and "Trasiga varor" in html
    assert "Fjärran" not in html and "annat.example" not in html

    by_number = client.get(reverse("search"), {"q": "#10442"})
    assert [o.number for o in by_number.context["orders"]] == ["10442"]  # not the other shop's
    assert by_number.context["orders"][0].customer == world.customer
    assert [c.name for c in by_number.context["customers"]] == ["Karin Lindqvist"]

    by_name = client.get(reverse("search"), {"q": "Karin"})
    assert [c.name for c in by_name.context["customers"]] == ["Karin Lindqvist"]

    by_case = client.get(reverse("search"), {"q": str(world.number)})
    assert by_case.context["cases"][0] == world

    with CaptureQueriesContext(connection) as again:
        client.get(reverse("search"), {"q": "lampa"})
    assert len(again) == len(first)  # a fixed number of queries, whatever is found


def test_the_top_bar_has_the_box_and_an_empty_search_finds_nothing(client, agent, world):
    client.force_login(agent)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert f'action="{reverse("search")}"' in queue
    page = client.get(reverse("search"), {"q": "zzzqqq"})
    assert page.context["nothing"]
    assert not any(page.context[k] for k in ("cases", "customers", "orders", "articles"))
    assert client.get(reverse("search")).status_code == 200


def test_an_agent_of_another_shop_finds_none_of_it(client, world):
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    page = client.get(reverse("search"), {"q": "glaset"})
    assert page.context["nothing"]
    assert client.get(reverse("search"), {"q": "10442"}).context["orders"] == []


def test_the_palette_and_the_shortcuts_are_on_every_agent_page(client, agent, world):
    """Ctrl+K (with "search everywhere") and ? from the customers, search and settings
    pages too, once per page; not on the login page."""
    client.force_login(agent)
    for url in ("/customers/", "/search/?q=lampa", "/settings/", "/cases/"):
        html = client.get(url).content.decode()
        assert html.count('id="palette"') == 1 and html.count('id="shortcuts"') == 1, url
        assert f'data-search-url="{reverse("search")}"' in html
    client.logout()
    assert 'id="palette"' not in client.get("/login/").content.decode()
