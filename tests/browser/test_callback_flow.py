"""A callback from the contact page to a logged call, in a real browser (C1, S5): the
customer leaves a number and sees when we will call; the agent finds the callback in
the queue (labelled), calls from the click-to-call link and logs "reached" with one
click; the case is answered."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases.models import Status
from kundsvar.channels.form import spam
from kundsvar.channels.phone.models import Call, Callback, CallbackState
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.sla.models import ResponsePolicy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Stockholm, open 08–17


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine, monkeypatch):
    time_machine.move_to(TUESDAY_13, tick=True)
    monkeypatch.setattr(spam, "MIN_SECONDS", 1)  # Playwright types faster than people


def test_a_callback_from_the_contact_page_to_a_logged_call(browser_page, live_server, screenshot):
    shop = ShopFactory(name="Nordljus", slug="nordljus", phone="020-12 34 56")
    ResponsePolicy.objects.create(
        shop=shop, channel="phone", first_response_minutes=60, follow_up_minutes=30
    )
    agent = Agent.objects.create_user("anna", password=PASSWORD, first_name="Anna", language="sv")
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    page = browser_page

    # The customer: the number is there, and "ring mig" beside it.
    page.goto(f"{live_server.url}/s/nordljus/?lang=sv")
    expect(page.locator(".contact-phone .phone-number")).to_have_text("020-12 34 56")
    expect(page.locator(".contact-phone")).to_contain_text("Vi ringer upp dig senast 14.00")
    page.click("#callback summary")
    page.fill("input[name=cb_number]", "070-123 45 67")
    page.fill("input[name=cb_name]", "Karin Lindqvist")
    page.fill("textarea[name=cb_note]", "Jag vill byta storlek på jackan.")
    page.wait_for_timeout(1200)  # a person takes more than MIN_SECONDS
    page.click(".callback-form button[type=submit]")
    page.wait_for_url("**/callback/**")
    expect(page.locator(".promise")).to_have_text("Vi ringer dig senast 14.00 på +46701234567.")
    screenshot(page, "callback-requested")
    callback = Callback.objects.get()
    number = callback.case.number

    # The agent: the callback in the queue, labelled; one click logs the call.
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/")
    # The agent last chose the history tab; a phone case still opens on its call log.
    page.evaluate("localStorage.setItem('kundsvar.caseTab', 'tab-history')")
    row = page.locator("#queue-rows tr.row", has_text="Karin Lindqvist")
    expect(row.locator(".badge.callback")).to_be_visible()
    row.locator("td:nth-child(2) a").click()
    page.wait_for_url(f"**/cases/{number}/")
    expect(page.locator("#phone-panel a.call-link")).to_have_attribute("href", "tel:+46701234567")
    page.fill("#phone-panel input[name=minutes]", "3")
    page.fill("#phone-panel textarea[name=note]", "Bytet är ordnat, ny storlek skickas i dag.")
    page.click("#phone-panel button[value=reached]")
    expect(page.locator(".flash").first).to_contain_text("Samtalet är loggat.")
    expect(page.locator("#phone-panel .calls")).to_contain_text("Nådd")
    screenshot(page, "callback-logged")
    callback.refresh_from_db()
    assert callback.state == CallbackState.DONE
    assert callback.case.status == Status.ANSWERED
    call = Call.objects.get()
    assert call.duration_seconds == 180 and call.agent == agent
