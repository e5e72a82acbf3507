"""Rule A5: the acknowledgement links to FAQ articles relevant to the question — in the
case's language, as absolute links — and to nothing when none is relevant enough."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kundsvar.cases.models import Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import emails as ack_emails
from kundsvar.core import batchcache
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.knowledge.emails import ack_section
from kundsvar.knowledge.search import index_articles
from kundsvar.knowledge.services import create_article


@pytest.fixture
def faq(shop, committed):
    committed(add_demo_articles, shop)
    return shop


def first_message(case):
    return case.messages.get(direction=Direction.INBOUND)


def test_registered():
    assert "kundsvar.knowledge.emails.ack_section" in ack_emails.ACK_SECTIONS


def test_relevant_articles_as_absolute_links(faq, settings, now):  # A5
    settings.SITE_URL = "https://help.example"
    case = open_email_case(
        faq,
        now,
        subject="Leveranstid jacka",
        text="Hej! Jag beställde en jacka förra veckan men den har inte "
        "kommit, hur lång är leveranstiden?",
    )
    with translation.override("sv"):
        section = ack_section(case, first_message(case))
    article = faq.knowledge_articles.get(title="Hur lång är leveranstiden?")
    url = f"https://help.example/s/{faq.slug}/faq/{article.slug}/"
    assert url in section["text"] and f'href="{url}"' in section["html"]
    assert section["text"].count("https://") <= 3


def test_nothing_when_nothing_is_relevant(faq, now):  # A5
    case = open_email_case(
        faq,
        now,
        subject="Samarbete",
        text="Hej, vi vill gärna diskutera ett samarbete kring influencers.",
    )
    assert ack_section(case, first_message(case)) is None


def test_in_the_cases_language_only(faq, now):  # A5, R7
    case = open_email_case(
        faq, now, subject="Return", text="Hi, how do I return a jacket?", language="en"
    )
    with translation.override("en"):
        section = ack_section(case, first_message(case))
    assert "How do I return an item?" in section["text"]
    assert "Hur returnerar" not in section["text"]
    case = open_email_case(
        faq, now, subject="Gavekort", text="Hei, hvor lenge gjelder presentkort?", language="nb"
    )
    assert ack_section(case, first_message(case)) is None  # no Norwegian articles


def test_the_acknowledgement_email_carries_the_links(faq, now):  # A5
    case = open_email_case(
        faq, now, subject="Byta storlek", text="Kan jag byta tröjan till en större storlek?"
    )
    built = ack_emails.acknowledgement(case, first_message(case))
    article = faq.knowledge_articles.get(title="Kan jag byta till en annan storlek?")
    assert f"/s/{faq.slug}/faq/{article.slug}/" in built.get_body(("plain",)).get_content()
    assert f"/s/{faq.slug}/faq/{article.slug}/" in built.get_body(("html",)).get_content()


def test_titles_are_escaped_in_html(shop, make_article, now):
    make_article(shop, "Retur <b>nu</b>", "Returnera varor inom 30 dagar.")
    case = open_email_case(shop, now, subject="Retur", text="Hur returnerar jag varor?")
    section = ack_section(case, first_message(case))
    assert "&lt;b&gt;nu&lt;/b&gt;" in section["html"] and "<b>nu" not in section["html"]


def test_in_a_batch_a_language_without_articles_is_not_searched(faq, now):  # A5
    """One query for the batch tells which languages have articles; a Norwegian question
    then costs no search, and an article published during the batch is found at once."""
    case = open_email_case(
        faq, now, subject="Gavekort", text="Hei, hvor lenge gjelder presentkort?", language="nb"
    )
    message = first_message(case)
    with batchcache.batch():
        assert ack_section(case, message) is None
        with CaptureQueriesContext(connection) as queries:
            assert ack_section(case, message) is None
        assert len(queries) == 0
        create_article(
            faq,
            title="Hvor lenge gjelder presentkortet?",
            body="Presentkortet gjelder i to år fra kjøpsdagen.",
            language="nb",
        )
        index_articles(list(faq.knowledge_articles.values_list("pk", flat=True)))
        section = ack_section(case, message)
    assert section and "Hvor lenge gjelder presentkortet?" in section["text"]


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("sv", "Hur lång är leveranstiden för min jacka?"),
        ("sv", "Kan jag returnera skorna och byta storlek?"),
        ("sv", "Vädret är fint idag"),
        ("en", "How long does delivery take?"),
    ],
)
def test_a_batch_finds_the_same_articles_as_a_single_search(faq, language, question):  # A5
    # In a batch of mail the search statement is compiled once and its words swapped in
    # (search.ranked_statement): the answers must be those of the ORM's own query.
    from kundsvar.knowledge.queries import relevant_articles

    alone = relevant_articles(faq, question, language, 3, fallback=False)
    with batchcache.batch():
        first = relevant_articles(faq, question, language, 3, fallback=False)
        again = relevant_articles(faq, f"{question} tack", language, 3, fallback=False)
    assert [a.pk for a in first] == [a.pk for a in alone]
    assert [a.pk for a in again] == [
        a.pk for a in relevant_articles(faq, f"{question} tack", language, 3, fallback=False)
    ]
    assert all(a.lexical_score is not None for a in first)
    assert first or "Vädret" in question or language == "en"  # the demo FAQ answers these


def test_in_a_batch_the_section_follows_an_edited_article(faq, committed, now):  # A5
    """In a batch the section of a set of articles is rendered once, and the articles
    found are loaded once (search.ranked_statement): an article edited in the batch
    shows its new title and address at once."""
    from kundsvar.knowledge.services import update_article

    case = open_email_case(
        faq, now, subject="Leveranstid jacka", text="Hur lång är leveranstiden för min jacka?"
    )
    message = first_message(case)
    article = faq.knowledge_articles.get(title="Hur lång är leveranstiden?")
    with batchcache.batch(), translation.override("sv"):
        before = ack_section(case, message)
        assert ack_section(case, message) == before
        committed(
            update_article,
            article,
            title="Hur lång är leveranstiden i vinter?",
            body=article.body,
            slug="leveranstid-vinter",
        )
        after = ack_section(case, message)
    assert "Hur lång är leveranstiden?" in before["text"]
    assert "Hur lång är leveranstiden i vinter?" in after["text"]
    assert "/faq/leveranstid-vinter/" in after["html"]
    assert "Hur lång är leveranstiden?\n" not in after["text"]


def test_in_a_batch_each_search_gets_its_own_articles(faq):  # A5
    from kundsvar.knowledge.queries import relevant_articles

    question = "Hur lång är leveranstiden för min jacka?"
    with batchcache.batch():
        first = relevant_articles(faq, question, "sv", 3, fallback=False)
        again = relevant_articles(faq, f"{question} leverans", "sv", 3, fallback=False)
    assert first and again
    assert all(a is not b for a in first for b in again)  # scores are not shared
