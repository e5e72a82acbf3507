"""A shopper logged in on the shop's own site (a plain HTML page on another origin) is
recognised by the widget through the shop's signature: their orders with each item's
status, and a contact form already filled in; a tampered signature and an unsigned
visitor get the anonymous widget (rules C2, C4, O1, O2)."""

import functools
import http.server
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kundsvar.commerce.models import CommerceSettings, LineStatus, OrderStatus
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory
from kundsvar.shopper import identity, services
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Nordljus – mitt konto</title></head>
<body><h1>Nordljus</h1><p>Inloggad som Anna</p>
<script src="{base}/static/kundsvar/widget.js" data-shop="nordljus" {attrs} async></script>
</body></html>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path, live_server):
    """The shop's website: pages written per test, served on a port of their own."""
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def page(name: str, attrs: str) -> str:
        (tmp_path / name).write_text(PAGE.format(base=live_server.url, attrs=attrs))
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield page
    server.shutdown()
    server.server_close()


@pytest.fixture
def anna():
    shop = ShopFactory(name="Nordljus", slug="nordljus", phone="08-123 456 00")
    CommerceSettings.objects.create(shop=shop)
    order = OrderFactory(
        shop=shop,
        number="1050",
        email="anna@example.se",
        name="Anna Svensson",
        status=OrderStatus.CONFIRMED,
        placed_at=timezone.now() - timedelta(days=1),
    )
    OrderLineFactory(order=order, name="Vantar", status=LineStatus.WAITING)
    services.save_settings(shop, enabled=True, latest_order_line=True)
    return shop


def _attrs(shop, email="anna@example.se", tamper=False) -> str:
    expires = int((timezone.now() + timedelta(hours=1)).timestamp())
    secret = services.settings_for(shop).secret
    sig = identity.signature(secret, "anna@example.se", "1001", expires, "Anna Svensson")
    return (
        f'data-customer-email="{email if tamper else "anna@example.se"}" '
        f'data-customer-name="Anna Svensson" data-customer-id="1001" '
        f'data-customer-expires="{expires}" data-customer-signature="{sig}"'
    )


def test_a_signed_shopper_sees_their_orders_and_a_filled_in_form(
    browser_page, site, anna, screenshot
):
    page = browser_page
    page.goto(site("signed.html", _attrs(anna)))
    # The latest order's status sits above the button before anything is asked (O1).
    latest = page.locator("#kundsvar-widget button.latest")
    latest.wait_for()
    assert "1050" in latest.inner_text()
    page.locator("#kundsvar-widget button.launcher").click()
    frame = page.frame_locator("#kundsvar-panel iframe")
    mine = frame.locator("#help-mine")
    mine.wait_for()
    assert "Anna Svensson" in mine.inner_text()
    assert "Vantar" in mine.inner_text() and "Väntar på varor" in mine.inner_text()
    expect(frame.locator("#help-contact")).to_be_hidden()  # one tab at a time
    screenshot(page, "widget-logged-in")
    frame.locator("#tab-contact").click()
    frame.locator("#help-contact a.help-button").first.click()
    frame.locator("#id_email").wait_for()
    assert frame.locator("#id_email").input_value() == "anna@example.se"
    assert frame.locator("#id_name").input_value() == "Anna Svensson"


@pytest.mark.parametrize("attrs", ["tampered", "unsigned"])
def test_a_tampered_or_unsigned_visitor_gets_the_anonymous_widget(browser_page, site, anna, attrs):
    page = browser_page
    text = _attrs(anna, email="eva@example.se", tamper=True) if attrs == "tampered" else ""
    page.goto(site(f"{attrs}.html", text))
    page.locator("#kundsvar-widget button.launcher").click()
    frame = page.frame_locator("#kundsvar-panel iframe")
    frame.locator("#help-faq").wait_for(state="attached")
    assert frame.locator("#help-mine").count() == 0
    assert frame.locator("#tab-order").count() == 1  # the lookup by order number instead
    assert page.locator("#kundsvar-widget button.latest").count() == 0
    frame.locator("#tab-contact").click()
    frame.locator("#help-contact a.help-button").first.click()
    frame.locator("#id_email").wait_for()
    assert frame.locator("#id_email").input_value() == ""
