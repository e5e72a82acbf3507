"""Rule R6: beside the composer the agent sees the FAQ articles that answer the
customer's question, and can insert their link or text as a starting point — with the
same "not adapted" check as saved replies."""

import pytest

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.knowledge import panels
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.workspace.panels import CUSTOMER_PANELS
from kundsvar.workspace.saved_replies import unadapted


@pytest.fixture
def faq(shop, committed):
    committed(add_demo_articles, shop)
    return shop


def test_the_panel_is_registered():
    assert "kundsvar.knowledge.panels.suggested_articles" in CUSTOMER_PANELS


def test_panel_offers_the_matching_article_with_insert_buttons(faq, agent, now):  # R6
    case = open_email_case(
        faq, now, subject="Retur", text="Hej, hur gör jag för att returnera en jacka?"
    )
    html = panels.suggested_articles(case, agent)
    assert "Hur returnerar jag en vara?" in html
    article = case.shop.knowledge_articles.get(title="Hur returnerar jag en vara?")
    assert f'data-saved-reply="kbt{article.pk}"' in html
    assert f'data-saved-reply="kbl{article.pk}"' in html
    assert (
        f"http://testserver/s/{faq.slug}/faq/{article.slug}/" in html
        or f"/s/{faq.slug}/faq/{article.slug}/" in html
    )
    assert "30 dagars öppet köp" in html  # the text, as plain text, in data-text


def test_no_panel_when_nothing_matches(faq, agent, now):
    case = open_email_case(
        faq, now, subject="Samarbete", text="Vi är en influencerbyrå och vill samarbeta med er."
    )
    assert panels.suggested_articles(case, agent) is None


def test_inserted_article_text_counts_as_not_adapted(faq, agent, now):  # R6
    case = open_email_case(faq, now, subject="Retur", text="Hur returnerar jag en vara?")
    article = case.shop.knowledge_articles.get(title="Hur returnerar jag en vara?")
    texts = panels.inserted_texts(case, [f"kbt{article.pk}", "12", "junk", "kbtx"])
    assert len(texts) == 1 and "30 dagars öppet köp" in texts[0]
    assert unadapted(texts[0], texts) == ["unchanged"]
    adapted = f"Hej Karin! Din jacka kan du skicka tillbaka utan kostnad i år.\n\n{texts[0]}"
    assert unadapted(adapted, texts) == []
    link = panels.inserted_texts(case, [f"kbl{article.pk}"])
    assert link[0].endswith(f"/s/{faq.slug}/faq/{article.slug}/")
    assert unadapted(link[0], link) == ["unchanged"]  # a bare link is no answer


def test_inserted_texts_ignore_other_shops_articles(faq, other_shop, agent, make_article, now):
    theirs = make_article(other_shop, "Deras", "x", language="nb")
    case = open_email_case(faq, now)
    assert panels.inserted_texts(case, [f"kbt{theirs.pk}"]) == []
