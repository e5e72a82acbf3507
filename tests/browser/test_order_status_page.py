"""The customer's order status page in a real browser: opened from a signed link, and
reached through the lookup form with order number and postcode (rules O2, O4)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from kundsvar.commerce import carriers
from kundsvar.commerce.links import status_path
from kundsvar.commerce.models import Carrier, LineStatus
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _order():
    shop = ShopFactory(name="Nordljus", slug="nordljus", phone="08-123 456 00")
    Carrier.objects.update_or_create(
        code="postnord",
        defaults={
            "name": "PostNord",
            "tracking_url": "https://tracking.example/?id={number}",
            "phone": "0771-33 33 10",
        },
    )
    order = OrderFactory(
        shop=shop,
        number="20077",
        postcode="41319",
        expected_from=date(2026, 11, 25),
        expected_to=date(2026, 11, 27),
    )
    OrderLineFactory(order=order, name="Vantar", status=LineStatus.SHIPPED)
    OrderLineFactory(
        order=order, name="Vinterjacka", status=LineStatus.WAITING, expected_at=date(2026, 12, 4)
    )
    ShipmentFactory(
        order=order,
        carrier="postnord",
        carrier_name="PostNord",
        tracking_number="RR123456785SE",
        tracking_url="",
    )
    return shop, order


def _sees_the_order(page):
    link = carriers.tracking_link("postnord", "RR123456785SE")
    tracking = page.locator(f'.parcel a[href="{link}"]')
    assert tracking.is_visible()
    assert "PostNord" in tracking.inner_text()
    assert "RR123456785SE" in page.locator(".parcel .tracking-number").inner_text()
    waiting = page.locator(".line", has=page.locator(".status-waiting"))
    assert "Vinterjacka" in waiting.inner_text()
    assert "fredag 4 december" in waiting.locator(".line-note").inner_text()  # O2


def test_signed_link_shows_parcel_tracking_and_waiting_line(
    browser_page, live_server, screenshot
):  # O2, O4
    _shop, order = _order()

    browser_page.goto(f"{live_server.url}{status_path(order)}")

    assert "20077" in browser_page.locator("h1").inner_text()
    _sees_the_order(browser_page)
    screenshot(browser_page, "order-status-desktop")


def test_status_page_on_a_phone(open_context, live_server, screenshot):  # O2
    _shop, order = _order()
    context = open_context(
        viewport={"width": 390, "height": 844},
        locale="sv-SE",
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{status_path(order)}")
    _sees_the_order(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways on a phone
    screenshot(page, "order-status-phone")


def test_lookup_by_number_and_postcode(browser_page, live_server, screenshot):  # O2
    shop, _order_ = _order()
    page = browser_page
    page.goto(f"{live_server.url}/s/{shop.slug}/order/")

    page.fill("#id_number", "20077")
    page.fill("#id_detail", "12345")
    page.click("button[type=submit]")
    # The neutral error, no order shown. Waited for: the click does not wait for the answer.
    expect(page.locator("#lookup-error")).to_be_visible()

    page.fill("#id_detail", "413 19")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/**")

    _sees_the_order(page)
    screenshot(page, "order-lookup-result")
