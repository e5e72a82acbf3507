"""The service audit's page in Chromium (rule M1): one click from the header, a run, each
failing checkpoint's fix link, and the printed page (the PDF the browser makes) without the
buttons and the navigation."""

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_runs_the_audit_and_prints_it(open_context, live_server, screenshot, now):
    shop = ShopFactory(name="Nätbutiken", slug="natbutiken", phone="")
    owner = AgentFactory(username="owner")
    Membership.objects.create(agent=owner, shop=shop, role=Role.ADMIN)
    context = open_context(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(f"{live_server.url}/login/?next=/")  # to the queue (an owner lands on reports)
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw")
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/")
    page.click("header nav a[href='/audit/']")
    page.click("text=Nätbutiken")
    page.click("form[action$='/run/'] button[type=submit]")
    page.wait_for_url("**/audit/natbutiken/runs/*/")
    assert page.locator("p.score").text_content().endswith("/100")
    assert page.locator("table.audit tbody tr.status-fail").count() >= 1
    fix = page.locator("tr.status-fail a").first
    assert fix.get_attribute("href") == "/settings/natbutiken/"  # the phone number's page
    screenshot(page, "audit-page")
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert not page.locator("form[action$='/run/'] button").first.is_visible()
    assert page.locator("table.audit").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
