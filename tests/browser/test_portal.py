"""The customer portal in a real browser: the link in the acknowledgement opens the case,
a follow-up written there jumps the queue (S3), and a bad rating reopens the case (F1)."""

import re
from datetime import timedelta

import pytest

from kundsvar.cases import queries, services
from kundsvar.cases.models import Case, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import mail, parsed_outbound
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADDRESS = "kundtjanst@nordljus.example"


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url  # the links in the emails point at the live server
    shop = ShopFactory(name="Nordljus", slug="nordljus", email=ADDRESS)
    agent = AgentFactory(shops=[shop], first_name="Anna")
    return shop, agent


def _portal_link(row) -> str:
    text = parsed_outbound(row).get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/p/[^/\s]+/", text).group(0)


def _answered_by_mail(shop, agent):
    row = pipeline.receive(
        mail(to=ADDRESS, body="Hej! När kommer min jacka?\n\nMvh Karin"), shop=shop, source="smtp"
    )
    case = row.case_message.case
    services.reply(case, agent, "Hej Karin! Jackan skickas i dag med PostNord.")
    return Case.objects.get(pk=case.pk)


def test_the_link_in_the_acknowledgement_opens_the_case(browser_page, site, screenshot):  # A1
    shop, _agent = site
    row = pipeline.receive(
        mail(to=ADDRESS, body="Hej! När kommer min jacka?\n\nMvh Karin"), shop=shop, source="smtp"
    )
    case = row.case_message.case
    ack = OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK)
    page = browser_page
    response = page.goto(_portal_link(ack))
    assert response.status == 200
    assert response.headers["referrer-policy"] == "same-origin"
    assert str(case.number) in page.inner_text("h1")
    assert "När kommer min jacka?" in page.inner_text(".conversation")
    assert page.inner_text(".portal-promise")  # the promise while an answer is owed (A4)
    screenshot(page, "portal-ack-link")


def test_a_follow_up_in_the_portal_jumps_the_queue(browser_page, site, screenshot, now):  # S3
    shop, agent = site
    case = _answered_by_mail(shop, agent)
    waiting = open_email_case(
        shop, now - timedelta(minutes=30), sender="erik@example.se", subject="Presentkort"
    )
    assert list(queries.queue(agent))[0].pk == waiting.pk
    reply = OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)
    page = browser_page
    page.goto(_portal_link(reply))
    assert "Jackan skickas i dag med PostNord." in page.inner_text(".conversation")
    page.fill("#follow-up-text", "Vilken dag kommer den fram?")
    page.click("#follow-up button[type=submit]")
    page.wait_for_url(re.compile(r"sent=follow_up"))
    assert "Vilken dag kommer den fram?" in page.inner_text(".conversation")
    case.refresh_from_db()
    assert case.is_follow_up and case.status == Status.OPEN
    assert list(queries.queue(agent))[0].pk == case.pk  # S3: top of the queue
    screenshot(page, "portal-follow-up")


def test_a_bad_rating_in_the_portal_reopens_the_case(browser_page, site, screenshot):  # F1
    shop, agent = site
    case = _answered_by_mail(shop, agent)
    assert case.status == Status.ANSWERED
    reply = OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)
    page = browser_page
    page.goto(_portal_link(reply))
    page.check(".rate-form input[value=bad]")
    page.fill(".rate-form textarea", "")
    page.click(".rate-form button[type=submit]")
    page.wait_for_url(re.compile(r"sent=rating"))
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.satisfaction == -1
    assert page.is_checked(".rate-form input[value=bad]")
    screenshot(page, "portal-bad-rating")
