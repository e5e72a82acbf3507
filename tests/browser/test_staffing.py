"""The Bemanning page in Chromium, at desktop and phone width (S5, T1): the chart is an
SVG with a title and a description, the gap hours are drawn in red, and the page fits
a phone's width."""

import pytest

from kundsvar.insights.tests.test_staffing_page import NOW, admin, shop  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_staffing_page_at_desktop_and_phone_width(
    open_context,
    live_server,
    screenshot,
    admin,  # noqa: F811
    time_machine,
):
    # Ticking, as in the other browser tests: the live server's threads and their event
    # streams run on this clock too, and a stopped clock once left this test hanging.
    time_machine.move_to(NOW, tick=True)
    context = open_context(viewport={"width": 1360, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", "pw")
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url("**/insights/reports/nat/")  # a shop admin lands on the overview
    page.goto(f"{live_server.url}/insights/staffing/nat/")
    chart = page.locator("svg[role=img]").first
    assert page.locator("#staffing-title").text_content()
    assert "(rött)" in page.locator("#staffing-desc").text_content()  # in Swedish
    assert page.locator("rect.gap").count() == 5  # 10–11 on each weekday
    gap = page.locator("rect.gap").first
    assert gap.evaluate("e => getComputedStyle(e).fill") == "rgb(217, 45, 32)"
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 100
    screenshot(page, "insights-staffing-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 392, overflow
    box = page.locator("svg[role=img]").first.bounding_box()
    assert box and box["width"] <= 390
    assert page.locator("table.queue").first.is_visible()
    screenshot(page, "insights-staffing-phone")
