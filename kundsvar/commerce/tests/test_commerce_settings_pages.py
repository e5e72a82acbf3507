"""The shop admin's commerce settings under /settings/commerce/ (rules O1, O3, O5–O8).

Named actors: alice runs the shop (admin), bob answers its cases (agent), charlie is the
admin of another shop.
"""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.commerce.models import CommerceSettings, ShippingMethod
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="nordljus", name="Nordljus", email="kundtjanst@nordljus.example")


@pytest.fixture
def alice(shop):
    agent = AgentFactory(username="alice")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def method(shop):
    return ShippingMethod.objects.create(
        shop=shop,
        code="mypack",
        name="MyPack Home",
        carrier="postnord",
        transit_min_days=2,
        transit_max_days=14,
    )


def url(name, shop, *args):
    return reverse(f"commerce_settings:{name}", args=[shop.slug, *args])


PAGES = [("index", ()), ("shipping", ()), ("shipping_new", ())]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_an_agent_who_is_not_admin_gets_403(client, shop, name, args):
    client.force_login(AgentFactory(username="bob", shops=[shop]))
    assert client.get(url(name, shop, *args)).status_code == 403
    assert client.post(url(name, shop, *args), {}).status_code == 403


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_another_shops_admin_gets_404(client, shop, name, args):
    charlie = AgentFactory(username="charlie")
    Membership.objects.create(agent=charlie, shop=ShopFactory(slug="fjallvind"), role=Role.ADMIN)
    client.force_login(charlie)
    assert client.get(url(name, shop, *args)).status_code == 404


def test_not_logged_in_goes_to_the_login_page(client, shop):
    response = client.get(url("index", shop))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_edit_page_of_another_shops_method_is_404(as_alice, shop):
    other = ShippingMethod.objects.create(shop=ShopFactory(slug="fjallvind"), code="x", name="X")
    assert as_alice.get(url("shipping_edit", shop, other.pk)).status_code == 404


def test_the_admin_switches_messages_and_sets_the_return_policy(as_alice, shop):  # O1, O6, O7
    response = as_alice.post(
        url("index", shop),
        {
            "notify_confirmed": "on",
            "notify_shipped": "on",
            "notify_delivered": "on",
            "check_in_days": "7",
            "wide_range_days": "2",
            "return_days": "14",
            "return_shipping_fee": "59",
            "return_policy": "Returfrakt 59 kr vid ångerköp.",
            "shopify_secret": "shpss_abcdef123456",
        },
    )
    assert response.status_code == 302
    saved = CommerceSettings.for_shop(shop)
    assert saved.notify_confirmed and saved.notify_shipped and not saved.notify_check_in
    assert (saved.check_in_days, saved.wide_range_days, saved.return_days) == (7, 2, 14)
    assert saved.return_shipping_fee_minor == 5_900
    assert saved.return_policy == "Returfrakt 59 kr vid ångerköp."
    assert saved.shopify_secret == "shpss_abcdef123456"


def test_secrets_are_shown_masked_and_kept_when_left_empty(as_alice, shop):
    CommerceSettings.objects.create(
        shop=shop, shopify_secret="shpss_abcdef123456", woocommerce_secret="wc_secret_9876"
    )
    page = as_alice.get(url("index", shop)).content.decode()
    assert "shpss_abcdef123456" not in page and "wc_secret_9876" not in page
    assert "••••••••3456" in page and "••••••••9876" in page
    as_alice.post(
        url("index", shop),
        {
            "check_in_days": "5",
            "wide_range_days": "3",
            "return_days": "30",
            "return_shipping_fee": "0",
            "clear_woocommerce_secret": "on",
        },
    )
    saved = CommerceSettings.for_shop(shop)
    assert saved.shopify_secret == "shpss_abcdef123456"
    assert saved.woocommerce_secret == ""


def test_a_wide_shipping_range_is_flagged(as_alice, shop, method):  # O3
    page = as_alice.get(url("shipping", shop)).content.decode()
    assert "MyPack Home" in page and "2–14" in page and "wide range" in page
    ShippingMethod.objects.filter(pk=method.pk).update(transit_min_days=12)
    assert "wide range" not in as_alice.get(url("shipping", shop)).content.decode()


def test_the_admin_adds_a_shipping_method_with_a_christmas_date(as_alice, shop):  # O3, O5
    response = as_alice.post(
        url("shipping_new", shop),
        {
            "code": "express",
            "name": "Express",
            "carrier": "postnord",
            "transit_min_days": "1",
            "transit_max_days": "2",
            "christmas_last_order": "2026-12-21",
            "active": "on",
        },
    )
    assert response.status_code == 302
    method = ShippingMethod.objects.get(shop=shop, code="express")
    assert (method.transit_min_days, method.transit_max_days) == (1, 2)
    assert method.christmas_last_order == date(2026, 12, 21)


def test_saving_a_wide_range_warns_the_admin(as_alice, shop, method):  # O3
    response = as_alice.post(
        url("shipping_edit", shop, method.pk),
        {
            "code": "mypack",
            "name": "MyPack Home",
            "carrier": "postnord",
            "transit_min_days": "1",
            "transit_max_days": "10",
            "active": "on",
        },
        follow=True,
    )
    assert "Customers read the first number" in response.content.decode()
    method.refresh_from_db()
    assert method.transit_max_days == 10


def test_a_backwards_range_and_a_taken_code_are_refused(as_alice, shop, method):  # O3
    response = as_alice.post(
        url("shipping_new", shop),
        {"code": "mypack", "name": "Kopia", "transit_min_days": "5", "transit_max_days": "2"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "code" in form.errors and "transit_max_days" in form.errors
    assert ShippingMethod.objects.filter(shop=shop).count() == 1


def test_a_check_in_on_the_day_of_delivery_is_refused(as_alice, shop):  # O8
    response = as_alice.post(
        url("index", shop),
        {
            "check_in_days": "0",
            "wide_range_days": "3",
            "return_days": "30",
            "return_shipping_fee": "0",
        },
    )
    assert response.status_code == 200 and "check_in_days" in response.context["form"].errors
    assert CommerceSettings.for_shop(shop).check_in_days == 5
