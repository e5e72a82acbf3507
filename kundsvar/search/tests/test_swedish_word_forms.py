"""K2: search understands Swedish word forms; FTS5 has no Swedish stemmer, so we stem."""

import pytest

from kundsvar.shops.tests.factories import ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


def test_plural_finds_the_singular(shop):  # K2
    case = indexed_case(shop, "Fråga", "Min beställning har inte kommit.")
    indexed_case(shop, "Annat", "Jag vill byta storlek på tröjan.")
    assert found("beställningar") == [case.number]


def test_definite_form_finds_the_bare_noun_and_back(shop):  # K2
    bare = indexed_case(shop, "Leverans", "Var är mitt paket?")
    definite = indexed_case(shop, "Leverans igen", "Paketet har inte kommit fram.")
    assert set(found("paketet")) == {bare.number, definite.number}
    assert set(found("paket")) == {bare.number, definite.number}


def test_retur_finds_returer_and_the_verb_finds_its_forms(shop):  # K2
    nouns = indexed_case(shop, "Returer", "Hur fungerar era returer?")
    verb = indexed_case(shop, "Skor", "Jag har returnerat skorna.")
    assert found("retur") == [nouns.number]
    assert found("returnera") == [verb.number]


def test_the_stemmer_keeps_returnera_and_returer_apart_a_prefix_joins_them(shop):  # K2
    # Snowball gives "returner" and "retur": different stems. "retur*" finds both.
    nouns = indexed_case(shop, "Returer", "Hur fungerar era returer?")
    verb = indexed_case(shop, "Skor", "Kan jag returnera skorna?")
    assert found("returnera") == [verb.number]
    assert set(found("retur*")) == {nouns.number, verb.number}


def test_prefix_finds_longer_words(shop):  # K2
    case = indexed_case(shop, "Fråga", "Beställningsbekräftelsen kom aldrig.")
    assert found("beställ*") == [case.number]
    assert found("beställ") == []


def test_case_does_not_matter(shop):  # K2
    case = indexed_case(shop, "VINTERJACKOR", "Hej")
    assert found("Vinterjacka") == [case.number]


def test_definite_forms_in_an_the_stemmer_leaves_alone_are_found_by_prefix(shop):  # K2
    # Snowball Swedish does not strip "-an" (jackan stays jackan): a prefix bridges it.
    case = indexed_case(shop, "Fråga", "Jackan är för liten.")
    assert found("jacka") == []
    assert found("jack*") == [case.number]


def test_every_word_must_match_unless_or_is_written(shop):
    jacket = indexed_case(shop, "Jacka", "Jackan är för liten.")
    shoes = indexed_case(shop, "Skor", "Skorna är för små.")
    assert found("jacka skor") == []
    assert set(found("jacka OR skor")) == {jacket.number, shoes.number}
    assert found("för jackan") == [jacket.number]  # no stop words: "för" is a word too


def test_subject_ranks_above_a_mention_then_newest_first(shop):
    mention = indexed_case(
        shop,
        "Fråga",
        "Jag undrar om kudden går att tvätta, och om överdraget går att köpa separat.",
    )
    subject = indexed_case(shop, "Trasig kudde", "Den var sönder när den kom.")
    older = indexed_case(shop, "Lampa", "Lampan lyser inte.")
    newer = indexed_case(shop, "Lampa", "Lampan lyser inte.")
    assert found("kudde") == [subject.number, mention.number]
    assert found("lampa") == [newer.number, older.number]


def test_language_narrows_the_stemming(shop):
    case = indexed_case(shop, "Fråga", "Beställningarna kom i går.")
    assert found("beställningar", language="sv") == [case.number]
    assert found("beställningar", language="xx") == [case.number]  # unknown: all four
