"""The rating links in a real browser (F1): Safe Links and other scanners open every link
in a browser that runs scripts, so opening a link — in any browser — must record nothing.
The customer's one press on Send records it, and the other link asks before changing it."""

import re

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import Case, Status
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import mail, parsed_outbound
from kundsvar.feedback.models import Rating
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADDRESS = "kundtjanst@nordljus.example"


@pytest.fixture
def answered(settings, live_server):
    settings.SITE_URL = live_server.url  # the links in the emails point at the live server
    shop = ShopFactory(name="Nordljus", slug="nordljus", email=ADDRESS)
    agent = AgentFactory(shops=[shop], first_name="Anna")
    row = pipeline.receive(
        mail(to=ADDRESS, body="Hej! När kommer min jacka?\n\nMvh Karin"), shop=shop, source="smtp"
    )
    case = row.case_message.case
    services.reply(case, agent, "Hej Karin! Jackan skickas i dag med PostNord.")
    reply = OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)
    text = parsed_outbound(reply).get_body(("plain",)).get_content()
    links = dict(re.findall(r"^(Ja|Nej): (\S+)", text, re.MULTILINE))
    return Case.objects.get(pk=case.pk), links["Ja"], links["Nej"]


def test_opening_the_links_in_a_browser_records_nothing(browser_page, answered):  # F1
    case, good, bad = answered
    page = browser_page
    for link in (bad, good):
        assert page.goto(link).status == 200
        page.wait_for_timeout(1500)  # any script on the page has had its chance to post
    assert not Rating.objects.exists()
    assert page.is_checked("input[value=good]")  # the last link's answer, pre-selected
    case.refresh_from_db()
    assert case.status == Status.ANSWERED


def test_one_press_records_and_the_other_link_asks(browser_page, answered, screenshot):  # F1
    case, good, bad = answered
    page = browser_page
    page.goto(bad)
    page.fill("textarea[name=comment]", "Jackan är fel färg.")
    page.click("#rating button")
    page.wait_for_url(re.compile(r"sent=1"))
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == ("bad", "Jackan är fel färg.")
    case.refresh_from_db()
    assert case.status == Status.OPEN  # F1: back in front of the team
    page.goto(good)
    assert "Vill du ändra ditt svar till ”Ja”?" in page.inner_text("body")
    assert Rating.objects.get().score == "bad"  # asking changed nothing
    screenshot(page, "rating-link-change")
    page.click("#rating button")
    page.wait_for_url(re.compile(r"/good/\?sent=1"))
    assert Rating.objects.get(replaced_at=None).score == "good"
    assert Rating.objects.get(replaced_at__isnull=False).comment == "Jackan är fel färg."
