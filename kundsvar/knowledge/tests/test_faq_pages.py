"""The public FAQ (rules K1, K2, C6): categories, most read, a search that works without
JavaScript, articles with their language versions and related answers, `?embed=1`."""

import pytest
from django.urls import reverse

from kundsvar.knowledge import queries
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.knowledge.models import SearchLog


@pytest.fixture
def faq(shop, committed):
    committed(add_demo_articles, shop)
    return shop


def faq_url(shop, **params):
    from urllib.parse import urlencode

    url = reverse("knowledge:faq", args=[shop.slug])
    return f"{url}?{urlencode(params)}" if params else url


def test_index_lists_categories_and_articles(client, faq):  # K1
    page = client.get(faq_url(faq)).content.decode()
    assert "Returer och byten" in page and "Hur returnerar jag en vara?" in page
    assert 'name="q"' in page  # a plain GET form: works without JavaScript
    assert "public-top" in page  # the shop's header


def test_search_shows_results_and_logs_the_search(client, faq):  # K2
    page = client.get(faq_url(faq, q="Hur lång tid tar leveransen?")).content.decode()
    assert "Hur lång är leveranstiden?" in page
    log = SearchLog.objects.get()
    assert (log.shop, log.language, log.answered) == (faq, "sv", True)
    assert log.result_count >= 1


def test_a_search_without_an_answer_offers_contact_and_is_a_content_gap(client, faq, now):  # K1
    from django.utils import timezone

    for _ in range(2):
        page = client.get(faq_url(faq, q="Säljer ni skidor?")).content.decode()
    assert "We found no answer" in page or "Vi hittade inget svar" in page
    assert reverse("form:contact", args=[faq.slug]) in page
    gaps = queries.content_gaps(faq, now - timezone.timedelta(days=1))
    assert gaps[0]["query"] == "Säljer ni skidor?" and gaps[0]["count"] == 2


def test_english_visitor_sees_english_page_and_articles(client, faq):  # R7
    page = client.get(faq_url(faq, lang="en")).content.decode()
    assert "How do I return an item?" in page
    assert "Hur returnerar jag en vara?" not in page
    assert "Questions and answers" in page


def test_embed_hides_the_header_and_may_be_framed(client, faq):  # C6
    response = client.get(faq_url(faq, embed=1))
    assert "public-top" not in response.content.decode()
    assert "X-Frame-Options" not in response.headers
    assert client.get(faq_url(faq)).headers["X-Frame-Options"] == "DENY"


def test_article_page_shows_body_versions_and_related(client, faq):  # K1
    article = queries.suggest(faq, "returnera", "sv")[0]
    url = reverse("knowledge:article", args=[faq.slug, article.slug])
    page = client.get(url).content.decode()
    assert "<strong>30 dagars öppet köp</strong>" in page
    assert 'hreflang="en"' in page  # the English version is linked
    assert "Kan jag byta till en annan storlek?" in page  # same category: related
    assert "Was this helpful?" in page or "Var det här till hjälp?" in page
    article.refresh_from_db()
    assert article.view_count == 1


def test_language_link_leads_to_that_version(client, faq):  # R7
    article = queries.suggest(faq, "returnera", "sv")[0]
    url = reverse("knowledge:article", args=[faq.slug, article.slug])
    response = client.get(url + "?lang=en")
    english = queries.suggest(faq, "return", "en")[0]
    assert response.status_code == 302
    assert response.url == reverse("knowledge:article", args=[faq.slug, english.slug])


def test_drafts_and_other_shops_articles_are_not_found(
    client, shop, other_shop, make_article
):  # C6
    draft = make_article(shop, "Hemligt", "Inte klart.", published=False)
    theirs = make_article(other_shop, "Deras", "Annan butik.", language="nb")
    assert client.get(reverse("knowledge:article", args=[shop.slug, draft.slug])).status_code == 404
    assert (
        client.get(reverse("knowledge:article", args=[shop.slug, theirs.slug])).status_code == 404
    )
    assert "Hemligt" not in client.get(faq_url(shop)).content.decode()
    assert client.get(faq_url(shop, q="hemligt")).content.decode().count("Hemligt") == 0


def test_unknown_shop_is_404(client, db):
    assert client.get("/s/finns-inte/faq/").status_code == 404


def test_query_text_is_escaped(client, faq):
    page = client.get(faq_url(faq, q="<script>alert(1)</script>")).content.decode()
    assert "<script>alert(1)" not in page
