"""Anonymous writes are limited per client address (behind TRUSTED_PROXIES: the client's,
not the proxy's): FAQ votes, portal follow-ups and ratings, the rating page, the contact
form's suggestions. Over the limit the answer is 429 with a clear message, and what the
customer wrote is shown back, never dropped."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from kundsvar.cases import services as cases
from kundsvar.cases.models import Message
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.feedback.links import rating_url
from kundsvar.feedback.models import Rating
from kundsvar.knowledge import services as knowledge
from kundsvar.knowledge.models import Vote
from kundsvar.portal.links import portal_url
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SV = "För många försök från din anslutning"


@pytest.fixture(autouse=True)
def _limits(settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    settings.RATE_LIMITS = {"faq_vote": 2, "follow_up": 2, "rating": 2, "suggest": 2}
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", slug="nordljus")


@pytest.fixture
def answered(shop):
    case = open_email_case(shop, NOW - timedelta(hours=2), sender="Karin <karin@example.se>")
    agent = AgentFactory(shops=[shop])
    answer = cases.reply(case, agent, "Den kommer.", now=NOW - timedelta(hours=1))
    case.refresh_from_db()
    return case, answer


def behind_proxy(client_ip: str) -> Client:
    return Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client_ip)


def test_faq_votes_are_limited_per_client_behind_the_proxy(shop):
    articles = [
        knowledge.create_article(shop, title=f"Fråga {n}", body="Svar.", language="sv")
        for n in range(3)
    ]
    urls = [reverse("knowledge:vote", args=[shop.slug, a.slug]) for a in articles]
    karin = behind_proxy("203.0.113.7")
    assert [karin.post(u, {"helpful": "yes"}).status_code for u in urls] == [302, 302, 429]
    assert Vote.objects.count() == 2
    refused = karin.post(urls[2], {"helpful": "yes"})
    assert SV in refused.content.decode()
    # Another customer behind the same proxy is not held up by Karin's votes.
    assert behind_proxy("203.0.113.8").post(urls[2], {"helpful": "yes"}).status_code == 302


def test_a_limited_follow_up_is_shown_back_with_the_message(answered):
    case, _answer = answered
    path = urlsplit(portal_url(case)).path
    karin = behind_proxy("203.0.113.7")
    for n in range(2):
        assert karin.post(path, {"action": "follow_up", "text": f"Tillägg {n}"}).status_code == 302
    refused = karin.post(path, {"action": "follow_up", "text": "Min långa fråga om jackan"})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert SV in html and "Min långa fråga om jackan</textarea>" in html
    assert not Message.objects.filter(body_text__contains="Min långa fråga").exists()


def test_a_limited_rating_keeps_its_comment(answered):
    case, answer = answered
    path = urlsplit(rating_url(case, answer, "good")).path
    karin = behind_proxy("203.0.113.7")
    for _ in range(2):
        assert karin.post(path, {"score": "good"}).status_code == 302
    refused = karin.post(path, {"score": "good", "comment": "Jättebra hjälp, tack Anna"})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert SV in html and "Jättebra hjälp, tack Anna</textarea>" in html
    assert not Rating.objects.filter(comment__contains="Jättebra").exists()


def test_suggestions_pause_without_blocking_the_form(shop):
    karin = behind_proxy("203.0.113.7")
    url = f"/s/{shop.slug}/suggest/?lang=sv"
    codes = [karin.post(url, {"message": "Var är mitt paket?"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert karin.get(f"/s/{shop.slug}/").status_code == 200
