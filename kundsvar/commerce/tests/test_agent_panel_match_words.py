"""The order panel says how sure a match is in plain words, in good Swedish, and calls
a match proven only when it is (rule C4)."""

from datetime import UTC, datetime
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.matching import link_confirmed, match_case
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken")


def panel(client, shop, case, language="sv") -> str:
    client.force_login(AgentFactory(shops=[shop]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    return unescape(page[page.index('class="commerce-panel"') :])


def test_a_number_from_another_address_is_a_possible_match(client, shop):  # C4
    OrderFactory(shop=shop, number="10234", email="karin@example.se")
    case = open_email_case(shop, T0, sender="karin.jobb@firma.se", subject="Order 10234")
    match_case(case, now=T0)
    page = panel(client, shop, case)
    assert "Möjlig träff, 50 %" in page
    assert "bevisa" not in page.replace("Inte bevisat", "")
    assert "Inte bevisat att ordern är kundens: visas inte för kunden" in page
    assert "Hittad genom: ordernummer i meddelandet" in page
    assert "bevisat kundens egen" not in page and "% träff" not in page


def test_number_and_own_address_is_a_certain_match(client, shop):  # C4
    OrderFactory(shop=shop, number="10234", email="karin@example.se")
    case = open_email_case(shop, T0, sender="karin@example.se", subject="Order 10234")
    match_case(case, now=T0)
    page = panel(client, shop, case)
    assert "Säker träff, 90 %" in page
    assert "Bevisat att ordern är kundens" in page
    assert "ordernummer i meddelandet, samma e-postadress som ordern" in page


def test_the_customers_own_order_without_a_number_is_not_called_proven(client, shop):  # C4
    OrderFactory(shop=shop, number="10234", email="karin@example.se")
    case = open_email_case(shop, T0, sender="karin@example.se", subject="Var är paketet?")
    match_case(case, now=T0)
    page = panel(client, shop, case)
    assert "Möjlig träff, 40 %" in page
    assert "bevisa" not in page.lower()
    assert "Kundens egen order, men kanske inte den som meddelandet gäller" in page


def test_in_english(client, shop):  # C4
    order = OrderFactory(shop=shop, number="10234", email="karin@example.se")
    case = open_email_case(shop, T0, sender="karin.jobb@firma.se", subject="Order 10234")
    match_case(case, now=T0)
    assert "Possible match, 50%" in panel(client, shop, case, "en")
    link_confirmed(case, order, now=T0)
    page = panel(client, shop, case, "en")
    assert "Confirmed" in page and "Proven to be this customer's order" in page
