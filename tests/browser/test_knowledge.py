"""The knowledge base in a real browser: a customer searches the FAQ without
JavaScript and says an answer did not help; an agent inserts a suggested FAQ article
into the reply from the panel beside the composer (rules C6, K2, R6)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.knowledge.models import Article
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"


def test_customer_searches_without_javascript_and_votes_no(
    open_context, live_server, screenshot
):  # K2, C6
    shop = ShopFactory(name="Nordljus", slug="nordljus")
    add_demo_articles(shop)
    context = open_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/nordljus/faq/")
    page.fill("input[name=q]", "Hur lämnar jag tillbaka byxor? Vill returnera dem")
    page.click(".kb-search button")
    page.click("text=Hur returnerar jag en vara?")
    assert "30 dagars öppet köp" in page.inner_text(".kb-body")
    screenshot(page, "faq-article")
    page.click(".kb-helpful button[value=no]")
    expect(page.locator(".kb-helpful a[href='/s/nordljus/']")).to_have_count(1)
    article = Article.objects.get(title="Hur returnerar jag en vara?")
    assert article.unhelpful_count == 1


def test_agent_inserts_a_suggested_article(browser_page, live_server, screenshot, now):  # R6
    shop = ShopFactory(name="Nordljus", slug="nordljus")
    add_demo_articles(shop)
    agent = Agent.objects.create_user("anna", password=PASSWORD, first_name="Anna")
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    case = open_email_case(
        shop,
        now - timedelta(minutes=5),
        subject="Byte",
        text="Hej! Kan jag byta tröjan till en större storlek?",
    )
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    panel = page.locator(".kb-panel")
    assert "Kan jag byta till en annan storlek?" in panel.inner_text()
    panel.locator("button[data-saved-reply^=kbt]").first.click()
    body = page.locator("#reply textarea").input_value()
    assert "Ja, byten är kostnadsfria." in body
    article = Article.objects.get(title="Kan jag byta till en annan storlek?")
    assert page.locator("#reply input[name=inserted]").input_value() == f"kbt{article.pk}"
    screenshot(page, "case-faq-panel")
