"""An FAQ article without a version in the visitor's language is shown in the nearest
language that has one (nb → da → sv → en, da → nb → sv → en, sv → nb → da → en,
en → the shop's → sv …), with a note in the visitor's language; the FAQ index and the
search are never empty because of the language (rules K1, K2, R7)."""

import pytest
from django.urls import reverse

from kundsvar.knowledge import queries, services
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.shops.tests.factories import ShopFactory


@pytest.fixture
def shop(db):
    return ShopFactory(name="Nordljus", slug="nordljus", languages=["sv", "nb", "da", "en"])


@pytest.fixture
def faq(shop, committed):
    committed(add_demo_articles, shop)  # Swedish, some with an English version
    return shop


def get(client, shop, *path, **params):
    name = "knowledge:article" if path else "knowledge:faq"
    return client.get(reverse(name, args=[shop.slug, *path]), params)


@pytest.mark.parametrize(("language", "label"), [("nb", "på svensk"), ("da", "på svensk")])
def test_the_index_is_not_empty_in_norwegian_and_danish(client, faq, language, label):  # K1
    page = get(client, faq, lang=language).content.decode()
    assert "Hur returnerar jag en vara?" in page
    assert f"({label})" in page
    assert f"?lang={language}" in page  # the article keeps the visitor's language


@pytest.mark.parametrize(
    ("language", "note", "heading"),
    [
        ("nb", "Denne artikkelen finnes ikke på norsk.", "Alle spørsmål og svar"),
        ("da", "Denne artikel findes ikke på dansk.", "Alle spørgsmål og svar"),
    ],
)
def test_an_article_in_another_language_says_so(client, faq, language, note, heading):  # R7
    article = queries.published(faq).get(title="Hur returnerar jag en vara?")
    response = get(client, faq, article.slug, lang=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hur returnerar jag en vara?" in page
    assert note in page
    assert heading in page  # the page around it speaks the visitor's language
    assert 'lang="sv"' in page  # the article's text is marked as Swedish


def test_the_nearest_language_wins(client, shop, make_article):  # R7
    swedish = make_article(shop, "Hur lång är leveranstiden?", "Två till fyra dagar.")
    services.add_translation(
        swedish,
        language="nb",
        title="Hvor lang er leveringstiden?",
        body="To til fire dager.",
        published=True,
    )
    page = get(client, shop, lang="da").content.decode()
    assert "Hvor lang er leveringstiden?" in page  # da → nb before sv
    assert "Hur lång är leveranstiden?" not in page
    page = get(client, shop, lang="en").content.decode()
    assert "Hur lång är leveranstiden?" in page  # en → the shop's Swedish
    page = get(client, shop, swedish.slug, lang="da")
    assert page.status_code == 302 and "leveringstiden" in page["Location"]


def test_an_article_in_the_visitors_language_has_no_note(client, faq):
    page = get(client, faq, lang="sv").content.decode()
    assert "(på" not in page and "finns inte på" not in page


@pytest.mark.parametrize("language", ["nb", "da"])
def test_search_finds_answers_in_another_language(client, faq, language):  # K2
    page = get(client, faq, q="returnera vara", lang=language).content.decode()
    assert "Hur returnerar jag en vara?" in page


def test_search_prefers_the_nearest_language(client, shop, make_article, committed):  # K2
    swedish = make_article(shop, "Hur lång är leveranstiden?", "Två till fyra dagar.")
    committed(
        services.add_translation,
        swedish,
        language="nb",
        title="Hvor lang er leveringstiden?",
        body="To til fire dager.",
        published=True,
    )
    page = get(client, shop, q="leveringstiden", lang="da").content.decode()
    assert "Hvor lang er leveringstiden?" in page  # da → nb before the shop's sv
    assert "Hur lång är leveranstiden?" not in page  # one version per answer
