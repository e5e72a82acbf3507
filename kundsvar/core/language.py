"""Which language a customer-facing page speaks: the one asked for (?lang=), else the
browser's first language the shop answers in, else the shop's own (Swedish by default).
And which language a customer wrote in (`detect_language`), and the one we write to them
in (`promise_language`, `babel_locale`)."""

import functools
import re

from django.utils.translation.trans_real import parse_accept_lang_header

CUSTOMER_LANGUAGES = ("sv", "nb", "da", "en")
DEFAULT_LANGUAGE = "sv"
# The babel locale each language is written in (dates, weekdays, currency).
_LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "da": "da_DK", "en": "en_GB"}
_CODE_ALIASES = {"no": "nb", "nn": "nb", "se": "sv"}


def promise_language(language: str | None) -> str:
    """The language we write to a customer in: theirs when it is one of ours ("sv-SE",
    "no", "nn" and "se" included), English for any other, Swedish when unknown (R7, A4)."""
    code = (language or DEFAULT_LANGUAGE).lower().split("-")[0].split("_")[0]
    code = _CODE_ALIASES.get(code, code)
    return code if code in CUSTOMER_LANGUAGES else "en"


def babel_locale(language: str | None) -> str:
    """The babel locale for a customer's language ("sv" → "sv_SE")."""
    return _LOCALES[promise_language(language)]


def shop_languages(shop) -> list[str]:
    spoken = [code for code in (shop.languages or []) if code in CUSTOMER_LANGUAGES]
    return [shop.language, *[code for code in spoken if code != shop.language]]


def customer_language(request, shop) -> str:
    allowed = shop_languages(shop)
    asked = request.GET.get("lang", "")
    if asked in CUSTOMER_LANGUAGES:
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = promise_language(code)
        if code in allowed:
            return code
    return shop.language


# Detection ---------------------------------------------------------------------------
# py3langid ships its model (4.5 MB; TRAPS.md). It is restricted to the languages we answer
# in plus the ones customers of Nordic shops also write in, so a German or Finnish text
# is recognised as "not ours" (→ the fallback) instead of being forced into the nearest
# of sv/nb/da/en. It says "no" for Norwegian Bokmål; Nynorsk customers get Bokmål.
_MODEL_LANGUAGES = ("sv", "no", "nn", "da", "en", "de", "fi", "nl", "fr", "es", "it", "pl")
_ALIASES = {"no": "nb", "nn": "nb"}
# Below this many words the model guesses ("Tack!", "Takk!", "Tak!"): it decides only when
# it is this sure, otherwise the fallback does (bench/language.py measures both).
MIN_WORDS = 5
SHORT_TEXT_CONFIDENCE = 0.8
# Words only one of Bokmål and Danish uses, for the pair the model confuses most. They
# decide between the two when the model picked one of them; they never pick Swedish or
# English. Kept because they fix nb/da mistakes in the labelled set (bench/language.py).
_NB_WORDS = frozenset(
    "hei heisann hva noen noe av takk fått fikk meg deg seg dere nå mye ennå uke uker dager "
    "kjøpe kjøpt kjøpte sjekke tilbake vennlig penger gjerne ikkje".split()
)
_DA_WORDS = frozenset(
    "hej hejsa hvad nogen noget af tak fået fik mig dig sig jer jeres nu meget endnu uge uger "
    "dage købe købt købte tjekke tilbage venlig penge gerne".split()
)
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # 0.3 s to load: on first use

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(_MODEL_LANGUAGES))
    return identifier


def _nb_or_da(words: list[str], guess: str) -> str:
    nb = sum(word in _NB_WORDS for word in words)
    da = sum(word in _DA_WORDS for word in words)
    if nb == da:
        return guess
    return "nb" if nb > da else "da"


def guess_language(text: str) -> tuple[str, float, int]:
    """The model's best guess (a code, possibly one we do not answer in), how sure it is
    compared with the other languages we answer in, and how many words it had to go on."""
    words = _WORD.findall(text.lower())
    if not words:
        return "", 0.0, 0
    ranking = _identifier().rank(text)  # the raw text: it scores better than the words
    scores: dict[str, float] = {}
    for code, probability in ranking:
        code = _ALIASES.get(code, code)
        scores[code] = scores.get(code, 0.0) + probability
    # The top single label (Bokmål and Nynorsk summed made Danish texts Norwegian).
    code = _ALIASES.get(ranking[0][0], ranking[0][0])
    if code not in CUSTOMER_LANGUAGES:
        return code, scores[code], len(words)
    # Sure among our four, whatever the other languages scored: a German-looking "Hallo"
    # is already out above; "Takk!" is split between Bokmål, Danish and Swedish here.
    sure = scores[code] / sum(scores.get(ours, 0.0) for ours in CUSTOMER_LANGUAGES)
    if code in ("nb", "da"):
        code = _nb_or_da(words, code)
    return code, sure, len(words)


def detect_language(text: str, fallback: str) -> str:
    """The customer's language (sv/nb/da/en) from what they wrote — their new text and
    subject, not quoted history or signatures. `fallback` (the customer's earlier language,
    the page's, or the shop's) when the text is too short to tell or in a language we do
    not answer in."""
    code, probability, words = guess_language(text)
    if code not in CUSTOMER_LANGUAGES:
        return fallback
    if words < MIN_WORDS and probability < SHORT_TEXT_CONFIDENCE:
        return fallback
    return code
