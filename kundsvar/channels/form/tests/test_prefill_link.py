"""A customer arriving from a signed link finds name, email and order filled in, and the
case is linked to that order for certain (rules C2, C4)."""

import pytest

from kundsvar.cases.models import Case
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.core import links
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(shop):
    return OrderFactory(
        shop=shop, number="100234", email="karin@example.se", name="Karin Lindqvist"
    )


@pytest.fixture
def linked(monkeypatch):
    calls = []

    def link_confirmed(case, order, *, agent=None, reason="agent", now=None):
        calls.append((case.pk, order.pk, reason))

    monkeypatch.setattr("kundsvar.commerce.matching.link_confirmed", link_confirmed)
    return calls


def test_token_prefills_name_email_and_order(client, shop, order):  # C2
    token = links.sign("contact", {"shop": shop.pk, "order": order.pk})
    html = client.get(f"/s/{shop.slug}/?t={token}").content.decode()
    assert 'value="Karin Lindqvist"' in html
    assert 'value="karin@example.se"' in html
    assert 'value="100234"' in html


def test_token_name_and_email_win_over_the_orders(client, shop, order):  # C2
    token = links.sign(
        "contact",
        {"shop": shop.pk, "order": order.pk, "name": "K. L.", "email": "karin.ny@example.se"},
    )
    html = client.get(f"/s/{shop.slug}/?t={token}").content.decode()
    assert 'value="K. L."' in html and 'value="karin.ny@example.se"' in html


def test_token_of_another_shop_is_ignored(client, shop, order):
    other = ShopFactory(slug="annan")
    token = links.sign(
        "contact", {"shop": other.pk, "order": order.pk, "email": "karin@example.se"}
    )
    html = client.get(f"/s/{shop.slug}/?t={token}").content.decode()
    assert "karin@example.se" not in html and "100234" not in html


def test_order_of_another_shop_is_never_shown(client, shop):  # no cross-shop leaks
    foreign = OrderFactory(shop=ShopFactory(slug="annan"), number="999111")
    token = links.sign("contact", {"shop": shop.pk, "order": foreign.pk})
    assert "999111" not in client.get(f"/s/{shop.slug}/?t={token}").content.decode()


def test_tampered_token_is_ignored(client, shop, order):
    token = links.sign("contact", {"shop": shop.pk, "order": order.pk})
    response = client.get(f"/s/{shop.slug}/?t={token[:-2]}xx")
    assert response.status_code == 200
    assert "100234" not in response.content.decode()


def test_sending_links_the_case_to_the_order(client, shop, order, clock, linked):  # C4
    token = links.sign("contact", {"shop": shop.pk, "order": order.pk})
    data = fill(client, clock, shop, f"?t={token}", order_number="100234")
    response = client.post(f"/s/{shop.slug}/?lang=sv&t={token}", data)
    assert response.status_code == 302
    assert linked == [(Case.objects.get().pk, order.pk, "form")]


def test_no_link_when_the_customer_wiped_the_order_number(client, shop, order, clock, linked):
    token = links.sign("contact", {"shop": shop.pk, "order": order.pk})
    data = fill(client, clock, shop, f"?t={token}", order_number="")
    client.post(f"/s/{shop.slug}/?lang=sv&t={token}", data)
    assert Case.objects.count() == 1
    assert linked == []


def test_no_link_without_a_token(client, shop, order, clock, linked):  # typed, not proven
    data = fill(client, clock, shop, "", order_number="100234")
    client.post(f"/s/{shop.slug}/?lang=sv", data)
    assert linked == []
