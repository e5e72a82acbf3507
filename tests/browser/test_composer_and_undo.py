"""The composer and undo in a real browser (issue 16): the draft saves itself while the
agent types and is there after a reload; Ctrl+Enter sends it (and the draft is gone);
a status changed inline shows the "Ångra" toast, which puts it back."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases.models import Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.workspace.models import Draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine):
    time_machine.move_to(TUESDAY_13, tick=True)


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/login/?next=/cases/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/cases/")


def test_draft_ctrl_enter_and_undo(browser_page, live_server):
    shop = ShopFactory(name="Nordljus")
    agent = Agent.objects.create_user("anna", password=PASSWORD, first_name="Anna", language="sv")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    case = open_email_case(shop, TUESDAY_13 - timedelta(hours=1), sender="karin@example.se")
    page = browser_page
    _log_in(page, live_server)
    url = f"{live_server.url}/cases/{case.number}/"
    page.goto(url)

    page.fill("#reply textarea[name=body]", "Hej Karin! Din jacka är **på väg**.")
    expect(page.locator("#draft-state")).to_contain_text("Utkast sparat", timeout=10_000)
    page.reload()
    expect(page.locator("#reply textarea[name=body]")).to_have_value(
        "Hej Karin! Din jacka är **på väg**."
    )

    page.locator("#reply textarea[name=body]").press("Control+Enter")
    page.wait_for_url(url)
    answer = case.messages.get(direction=Direction.OUTBOUND)
    assert "<strong>på väg</strong>" in answer.body_html
    assert not Draft.objects.exists()

    was = page.locator("#status select[name=status]").input_value()
    page.select_option("#status select[name=status]", "closed")
    toast = page.locator(".undo-toast")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Ångra").click()
    page.wait_for_url(url)
    expect(page.locator("#status select[name=status]")).to_have_value(was)
