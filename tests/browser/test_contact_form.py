"""A customer on the contact page in a real browser: typing a question shows FAQ
articles beside the form (rule C6), "Yes" counts the visit as found (K3), and sending
shows the case number and the promise (A4) with the acknowledgement in the outbox (A1).
Also on a phone-sized screen: the phone number is a tap away (C1)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from kundsvar.cases.models import Case
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.form import spam
from kundsvar.channels.form.models import FormSession
from kundsvar.knowledge.services import create_article
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(monkeypatch):
    monkeypatch.setattr(spam, "MIN_SECONDS", 1)  # Playwright types faster than people
    shop = ShopFactory(
        name="Nordljus",
        slug="nordljus",
        email="kundtjanst@nordljus.example",
        phone="020-12 34 56",
        phone_is_free=True,
    )
    create_article(
        shop,
        language="sv",
        title="Hur lång är leveranstiden?",
        body="Vi skickar inom 1–2 arbetsdagar och leveransen tar sedan 2–4 dagar.",
    )
    create_article(
        shop,
        language="sv",
        title="Hur gör jag en retur?",
        body="Du har 30 dagars öppet köp. Fyll i returformuläret.",
    )
    return shop


def test_suggestions_then_send(live_server, browser_page, screenshot, shop):  # C6, A1, A4
    page = browser_page
    page.goto(f"{live_server.url}/s/{shop.slug}/")
    expect(page.locator("a.phone-number")).to_have_attribute("href", "tel:+4620123456")

    page.fill("#id_name", "Karin Lindqvist")
    page.fill("#id_email", "karin@example.se")
    page.locator("#id_message").press_sequentially("Hur lång tid tar leveransen?", delay=20)
    suggestion = page.locator("#suggestions .suggestion").first
    expect(suggestion).to_contain_text("Hur lång är leveranstiden?")
    expect(suggestion).to_contain_text("Vi skickar inom 1–2 arbetsdagar")
    screenshot(page, "contact-form-suggestions")

    suggestion.locator("button").click()  # "Yes, this answered my question"
    expect(page.locator("#suggestions .answered.done")).to_be_visible()
    assert FormSession.objects.get().found_at is not None

    # Sending stays one click (C6).
    page.get_by_role("button", name=re.compile("Skicka|Send")).click()
    page.wait_for_url(re.compile(r"/thanks/"))
    case = Case.objects.get()
    expect(page.locator(".case-number")).to_contain_text(str(case.number))
    expect(page.locator(".promise")).to_contain_text("senast")
    screenshot(page, "contact-form-thanks")

    assert case.channel == "form"
    row = OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK)
    assert row.state == "sent"
    assert [m.to for m in mail.outbox] == [["karin@example.se"]]
    assert str(case.number) in mail.outbox[0].body


def test_contact_page_on_a_phone(live_server, open_context, screenshot, shop):  # C1
    context = open_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{shop.slug}/")
    phone = page.locator("a.phone-number")
    expect(phone).to_be_visible()
    box = phone.bounding_box()
    assert box["y"] < 400 and box["height"] >= 30  # near the top, big enough to tap
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing runs off the side of the screen
    screenshot(page, "contact-page-phone")
