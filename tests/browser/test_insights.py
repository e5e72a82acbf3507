"""The owner's overview in Chromium, at desktop and phone width: where the owner lands
after login, one click from the header, the charts are SVG with a title and
description, the page fits a phone's width, and a figure leads to the queue of its
cases."""

import pytest

from kundsvar.insights import rollups
from kundsvar.insights.tests.conftest import (  # noqa: F401  (fixtures)
    anna,
    bo,
    known,
    now,
    owner,
    shop,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("owner", "known")
def test_the_overview_at_desktop_and_phone_width(open_context, live_server, screenshot):
    rollups.rebuild()
    context = open_context(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw")
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url("**/insights/reports/nordljus/")  # the owner's landing page
    page.click("header nav >> text=Overview")
    page.wait_for_url("**/insights/reports/nordljus/")
    page.goto(f"{live_server.url}/insights/reports/nordljus/?period=7")
    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    assert page.locator("svg.chart title").first.text_content()
    assert page.locator("svg.chart desc").first.text_content()
    box = charts.first.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 100
    screenshot(page, "insights-overview-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 392)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 392, (overflow, wide)
    box = page.locator("svg.chart").first.bounding_box()
    assert box and box["width"] <= 390
    screenshot(page, "insights-overview-phone")
    page.click("text=New questions >> xpath=.. >> a")
    page.wait_for_url("**/cases/?*event=opened*")
    assert page.locator("table.queue tbody tr").count() >= 1
