"""'Was this helpful?': one vote per browser session and article; a 'No' offers the
contact page; votes and views feed the report's top articles."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.knowledge import queries, services
from kundsvar.knowledge.models import Vote


@pytest.fixture
def article(shop, make_article):
    return make_article(shop, "Presentkort", "Gäller i två år.")


def vote_url(article):
    return reverse("knowledge:vote", args=[article.shop.slug, article.slug])


def test_yes_is_counted_and_thanked(client, article):  # K3
    response = client.post(vote_url(article), {"helpful": "yes"}, follow=True)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 0)
    vote = Vote.objects.get()
    assert vote.helpful and vote.created_at and vote.session_key
    assert "Thank you" in response.content.decode() or "Tack" in response.content.decode()


def test_no_offers_the_contact_page(client, article):  # K3, C1
    response = client.post(vote_url(article), {"helpful": "no"}, follow=True)
    article.refresh_from_db()
    assert article.unhelpful_count == 1
    assert reverse("form:contact", args=[article.shop.slug]) in response.content.decode()


def test_one_vote_per_browser_session(client, article):  # K3
    client.post(vote_url(article), {"helpful": "yes"})
    client.post(vote_url(article), {"helpful": "yes"})
    client.post(vote_url(article), {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 0)
    assert Vote.objects.count() == 1


def test_another_browser_votes_again(client, article):
    from django.test import Client

    client.post(vote_url(article), {"helpful": "yes"})
    Client().post(vote_url(article), {"helpful": "yes"})
    article.refresh_from_db()
    assert article.helpful_count == 2


def test_vote_needs_post_and_a_published_article(client, shop, article, make_article):
    assert client.get(vote_url(article)).status_code == 405
    draft = make_article(shop, "Utkast", "x", published=False)
    assert client.post(vote_url(draft), {"helpful": "yes"}).status_code == 404


def test_vote_keeps_the_embed(client, article):
    response = client.post(vote_url(article), {"helpful": "no", "embed": "1"})
    assert "embed=1" in response.url and "voted=no" in response.url


def test_record_vote_service_without_session(article):  # contract: record_vote(article, helpful)
    assert services.record_vote(article, True)
    assert services.record_vote(article, True)  # no session: every call counts
    article.refresh_from_db()
    assert article.helpful_count == 2


def test_top_articles_by_helpful_votes_and_views(shop, article, make_article, now):  # K3
    other = make_article(shop, "Betalsätt", "Kort och Swish.")
    since = now - timezone.timedelta(days=7)
    services.record_view(other)
    services.record_view(other)
    services.record_view(article)
    services.record_vote(article, True, "s1")
    services.record_vote(article, False, "s2")
    top = queries.top_articles(shop, since)
    assert [a.title for a in top] == ["Presentkort", "Betalsätt"]
    assert (top[0].helpful_since, top[0].unhelpful_since, top[0].views_since) == (1, 1, 1)
    assert top[1].views_since == 2
    assert queries.top_articles(shop, now + timezone.timedelta(days=2)) == []
