"""Language detection: the customer's language from what they wrote (issue #10)."""

import pytest

from kundsvar.core.language import detect_language
from kundsvar.core.tests import language_set


def test_detects_the_labelled_set_of_five_words_or_more():  # R7
    samples = [s for s in language_set.load() if s.long]
    assert {s.language for s in samples} == {"sv", "nb", "da", "en"}
    assert len(samples) >= 4 * 40
    right = sum(detect_language(s.text, "") == s.language for s in samples)
    assert right / len(samples) >= 0.95


def test_every_language_of_the_set_is_detected_well():
    samples = [s for s in language_set.load() if s.long]
    for code in language_set.LANGUAGES:
        mine = [s for s in samples if s.language == code]
        assert sum(detect_language(s.text, "") == code for s in mine) / len(mine) >= 0.9, code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hej, jag har inte fått mitt paket än. Ordernummer 10421.", "sv"),
        ("Hei, jeg har ikke fått pakken min ennå. Ordrenummer 10421.", "nb"),
        ("Hej, jeg har ikke fået min pakke endnu. Ordrenummer 10421.", "da"),
        ("Hi, I still haven't received my parcel. Order number 10421.", "en"),
        # The model alone calls these Danish and Norwegian; the nb/da words settle them.
        ("hei! skoene er for smale, kan jeg bytte til en bredere modell", "nb"),
        ("Hej, returlabelen som lå i pakken virker ikke hos PostNord.", "da"),
    ],
)
def test_tells_swedish_norwegian_danish_and_english_apart(text, expected):
    assert detect_language(text, "sv" if expected != "sv" else "en") == expected


@pytest.mark.parametrize("text", ["Tack!", "Takk!", "Tak!", "Hej", "Order 10421", "", "  12 "])
def test_too_short_to_tell_falls_back(text):
    assert detect_language(text, "da") == "da"
    assert detect_language(text, "nb") == "nb"


def test_a_short_text_the_model_is_sure_of_is_detected():
    assert detect_language("Where is my parcel?", "sv") == "en"
    assert detect_language("Var är paketet?", "da") == "sv"


def test_a_language_we_do_not_answer_in_falls_back():
    german = "Hallo, ich habe meine Bestellung immer noch nicht bekommen. Wo ist mein Paket?"
    assert detect_language(german, "sv") == "sv"
    finnish = "Hei, en ole vieläkään saanut tilaustani. Missä pakettini on?"
    assert detect_language(finnish, "da") == "da"


def test_the_slimmer_model_answers_exactly_as_py3langid_restricted_to_our_languages():
    """core.language reads only our languages' columns of py3langid's model (memory, issue
    #11); every score must be the one the library's own set_languages gives."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from kundsvar.core import language

    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    theirs.set_languages(list(language._MODEL_LANGUAGES))
    ours = language._identifier()
    texts = [s.text for s in language_set.load()] + ["Tack!", "Takk!", "Hallo", "", "10421"]
    for text in texts:
        expected, got = theirs.rank(text), ours.rank(text)
        assert [code for code, _ in got] == [code for code, _ in expected], text
        assert [p for _, p in got] == pytest.approx([p for _, p in expected], abs=1e-9), text
