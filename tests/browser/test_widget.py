"""The help widget on a shop's own page (a plain HTML file on another origin): the button
opens a panel with the help page in a frame, Esc closes it and focus goes back (C1, T3)."""

import functools
import http.server
import threading

import pytest

from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP_PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Nordljus – jackor</title></head>
<body><h1>Nordljus</h1><p><a href="#" id="first-link">Jackor</a></p>
<script src="{base}/static/kundsvar/widget.js" data-shop="nordljus" async></script>
</body></html>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def shop_site(tmp_path, live_server):
    """The shop's website: a static page served by http.server on its own port."""
    (tmp_path / "index.html").write_text(SHOP_PAGE.format(base=live_server.url))
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_the_widget_opens_the_help_panel_and_esc_closes_it(
    browser_page, shop_site, screenshot
):  # C1, T3
    ShopFactory(name="Nordljus", slug="nordljus", phone="08-123 456 00")
    page = browser_page
    page.goto(shop_site)
    launcher = page.locator("#kundsvar-widget button.launcher")
    launcher.wait_for()
    assert launcher.inner_text() == "Hjälp"
    assert launcher.get_attribute("aria-expanded") == "false"

    launcher.focus()
    page.keyboard.press("Enter")  # keyboard first
    panel = page.locator("#kundsvar-panel")
    panel.wait_for(state="visible")
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("#kundsvar-panel iframe")
    frame.locator("#help-q").wait_for()  # the frame is allowed to show (no DENY)
    assert "08-123 456 00" in frame.locator("#help-contact").inner_text()
    screenshot(page, "widget-open")

    frame.locator("#help-q").focus()
    page.keyboard.press("Escape")  # Esc inside the frame closes the widget
    panel.wait_for(state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert (
        page.evaluate(
            "document.getElementById('kundsvar-widget').shadowRoot.activeElement.className"
        )
        == "launcher"
    )  # focus back on the button

    launcher.click()
    panel.wait_for(state="visible")
    page.locator("#kundsvar-panel button.close").focus()
    page.keyboard.press("Escape")  # and Esc on the host page too
    panel.wait_for(state="hidden")


def test_the_faq_search_goes_to_the_faq_page_inside_the_frame(browser_page, shop_site):  # K2
    ShopFactory(name="Nordljus", slug="nordljus")
    page = browser_page
    page.goto(shop_site)
    page.locator("#kundsvar-widget button.launcher").click()
    frame = page.frame_locator("#kundsvar-panel iframe")
    frame.locator("#help-q").fill("retur")
    frame.locator("#help-q").press("Enter")
    iframe = page.locator("#kundsvar-panel iframe").element_handle().content_frame()
    iframe.wait_for_url("**q=retur**")
    assert "embed=1" in iframe.url and "/nordljus/" in iframe.url
