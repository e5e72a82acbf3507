"""Rule C6: while a customer types, the right FAQ articles are suggested — from a long,
chatty question, only published ones, only the shop's own, in the customer's language."""

import pytest

from kundsvar.knowledge import queries
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.knowledge.words import meaningful_stems


@pytest.fixture
def faq(shop, committed):
    committed(add_demo_articles, shop)
    return shop


def first(shop, text, language="sv"):
    found = queries.suggest(shop, text, language)
    return found[0].title if found else None


def test_chatty_question_keeps_only_its_meaningful_words():  # C6
    text = (
        "Hej! Jag beställde en jacka förra veckan men den har inte kommit, hur lång är "
        "leveranstiden? Order 123456. Mvh Karin"
    )
    stems = meaningful_stems(text, "sv")
    assert "leveranstid" in stems and "jack" in stems
    assert not {"hej", "jag", "en", "den", "har", "inte", "hur", "är", "mvh", "123456"} & set(stems)


@pytest.mark.parametrize(
    "question, title",
    [
        (
            "Hej! Jag beställde en jacka förra veckan men den har inte kommit, hur lång är "
            "leveranstiden?",
            "Hur lång är leveranstiden?",
        ),
        ("Hur gör jag för att returnera byxorna? De var för stora.", "Hur returnerar jag en vara?"),
        ("Kan jag byta tröjan mot en större storlek?", "Kan jag byta till en annan storlek?"),
        (
            "Jag skickade tillbaka en klänning för två veckor sedan, när kommer pengarna?",
            "När får jag tillbaka mina pengar?",
        ),
        ("Går det att betala med Klarna faktura?", "Vilka betalsätt kan jag använda?"),
        ("Var är mitt paket? Kollinumret fungerar inte", "Hur spårar jag mitt paket?"),
        (
            "Dragkedjan gick sönder efter en vecka, jag vill reklamera",
            "Reklamation: varan är trasig eller felaktig",
        ),
        (
            "Kan man lämna tillbaka julklappar efter jul?",
            "Julklappar: sista beställningsdag och öppet köp till januari",
        ),
    ],
)
def test_realistic_questions_find_their_answer(faq, question, title):  # C6, K2
    assert first(faq, question) == title


def test_english_question_gets_the_english_version(faq):  # C6, R7
    assert first(faq, "Hi, how do I return a jacket I bought?", "en") == "How do I return an item?"


def test_too_few_in_the_customers_language_fills_up_from_the_shops(faq):  # C6
    found = queries.suggest(faq, "presentkort", "en")  # no English article says it
    assert found[0].title == "Presentkort"
    assert {a.language for a in found} == {"sv"}


def test_one_version_per_article(faq):  # C6
    found = queries.suggest(faq, "returnera retur return", "en", limit=10)
    groups = [a.translation_group for a in found]
    assert len(groups) == len(set(groups))


def test_drafts_are_never_suggested(shop, make_article):  # C6
    make_article(shop, "Leveranstid till Gotland", "Två dagar extra.", published=False)
    assert queries.suggest(shop, "leveranstid Gotland", "sv") == []


def test_another_shops_articles_are_never_suggested(shop, other_shop, make_article):  # C6
    make_article(other_shop, "Leveranstid", "Tre dagar.")
    make_article(other_shop, "Leveringstid", "Tre dager.", language="nb")
    assert queries.suggest(shop, "leveranstid", "sv") == []
    assert queries.suggest(shop, "leveringstid", "nb") == []


def test_a_question_of_only_small_words_suggests_nothing(faq):  # C6
    assert queries.suggest(faq, "Hej! Jag har en fråga.", "sv") == []
    assert queries.suggest(faq, "", "sv") == []


def test_limit_is_respected(faq):  # C6
    assert len(queries.suggest(faq, "beställning leverans retur betala paket", "sv", 2)) == 2
