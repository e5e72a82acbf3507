"""What search makes of an agent's words and of a case's text (no database)."""

from kundsvar.search.text import (
    MAX_WORD,
    Term,
    document,
    parse_query,
    query_languages,
    stem_words,
    term_forms,
    words,
)


def test_words_fold_case_and_split_on_everything_but_letters_and_digits():
    assert words("Hej! Order #100231 (VINTER20), e-post: karin_l@example.se") == [
        "hej",
        "order",
        "100231",
        "vinter20",
        "e",
        "post",
        "karin",
        "l",
        "example",
        "se",
    ]
    assert words("x" * (MAX_WORD + 1) + " kvar") == ["kvar"]


def test_words_are_ored_with_or_and_prefixes_need_three_letters():
    assert parse_query("retur OR reklamation jacka") == [
        [Term("retur"), Term("reklamation")],
        [Term("jacka")],
    ]
    assert parse_query("beställ* be*") == [[Term("beställ", prefix=True)], [Term("be")]]
    assert parse_query("jacka AND paket") == [[Term("jacka")], [Term("paket")]]
    assert parse_query("or jacka") == [[Term("or")], [Term("jacka")]]  # only upper-case OR


def test_operators_and_punctuation_become_nothing_or_words():
    assert parse_query('"" * AND OR ( ) : - ^') == []
    assert parse_query("NEAR(jacka, 2)") == [[Term("near")], [Term("jacka")], [Term("2")]]
    assert parse_query('"trasig lampa"') == [[Term("trasig")], [Term("lampa")]]


def test_stems_per_language_and_numbers_untouched():  # K2, C4
    assert stem_words("Beställningar paketet 100231 VINTER20", "sv") == (
        "beställning paket 100231 vinter20"
    )
    assert stem_words("pakkene", "nb") == "pakk"
    assert stem_words("pakkene", "fi") == "pakkene"  # a language we do not stem: as written
    assert stem_words("pakkene", "no") == "pakk"  # what detectors call Norwegian


def test_an_unknown_language_tries_all_four():  # K2
    assert query_languages(None) == ("sv", "nb", "da", "en")
    assert query_languages("da") == ("da",)
    assert term_forms(Term("beställningar"), ("sv",)) == ["beställningar", "beställning"]


def test_the_document_masks_personal_numbers_and_keeps_merged_subjects():  # C3
    doc = document(
        7,
        10007,
        "Faktura",
        "sv",
        [
            ("Faktura", "Mitt personnummer är 19121212-1212."),
            ("Re: Faktura", "Hej igen"),
            ("Reklamation stol", "Benet sprack."),
        ],
    )
    assert "1212" not in doc.body
    assert doc.heading.split("\n") == ["10007 Faktura", "Reklamation stol"]
