"""Words in, words out: the one tokenizer both search engines share (rule K2).

Documents and queries go through the same steps, on SQLite and on PostgreSQL alike:
split on anything that is not a letter or a digit, fold case, keep tokens with digits
(order, tracking and case numbers) exactly as written, and stem the rest with Snowball
in the case's language. SQLite's FTS5 has no Swedish stemmer, so there we stem here in
Python (snowballstemmer); PostgreSQL stems the same normalised words itself with its
own Snowball dictionaries. Neither side drops stop words, so "och" means the same on both.
"""

import re
from dataclasses import dataclass

import snowballstemmer

from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.core.text import strip_reply_prefixes

# Snowball algorithm per case language.
STEMMERS = {"sv": "swedish", "nb": "norwegian", "da": "danish", "en": "english"}
LANGUAGES = tuple(STEMMERS)
_ALIASES = {"no": "nb", "nn": "nb"}  # what language detectors say for Norwegian

# A letter or digit run; "_" is a separator, as it is for FTS5's unicode61 tokenizer.
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 64  # longer runs are base64, hashes or URLs: not words anyone searches
MAX_MESSAGE_CHARS = 20_000  # a pasted log or a forwarded thread: the start is what matters
MAX_DOCUMENT_CHARS = 200_000  # keeps a PostgreSQL tsvector far below its 1 MB limit
MIN_PREFIX = 3  # "be*" would match half the index
_STEM_CACHE_LIMIT = 500_000
_OR = "OR"
_AND = "AND"  # what every space means already


class _CachedStemmer:
    """Snowball per word is slow in pure Python; real text repeats its words, so cache."""

    def __init__(self, algorithm: str):
        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            if len(self._cache) > _STEM_CACHE_LIMIT:
                self._cache.clear()
            stem = self._cache[word] = self._stemmer.stemWord(word)
        return stem


_stemmers: dict[str, _CachedStemmer] = {}


def language_code(language: str | None) -> str:
    """One of LANGUAGES, or "" for a language we do not stem."""
    language = _ALIASES.get(language or "", language or "")
    return language if language in STEMMERS else ""


def _stemmer(language: str) -> _CachedStemmer | None:
    algorithm = STEMMERS.get(language_code(language))
    if algorithm is None:
        return None
    if algorithm not in _stemmers:
        _stemmers[algorithm] = _CachedStemmer(algorithm)
    return _stemmers[algorithm]


def words(text: str) -> list[str]:
    """Case-folded words of `text`, in order; over-long runs dropped."""
    return [w for w in _WORD.findall((text or "").lower()) if len(w) <= MAX_WORD]


def _has_digit(word: str) -> bool:
    # isalpha first: most words are letters only, and a letter is never a digit.
    return not word.isalpha() and any(c.isdigit() for c in word)


def stem(word: str, language: str) -> str:
    """The Snowball stem of a case-folded word; numbers and unknown languages unchanged."""
    stemmer = _stemmer(language)
    if stemmer is None or _has_digit(word):
        return word
    return stemmer(word)


def stem_words(text: str, language: str) -> str:
    stemmer = _stemmer(language)
    if stemmer is None:
        return " ".join(words(text))
    return " ".join(w if _has_digit(w) else stemmer(w) for w in words(text))


@dataclass(frozen=True)
class Document:
    """What is indexed for one case: a heading (number and subjects) and a body."""

    case_id: int
    language: str
    heading: str
    body: str


def document(
    case_id: int, number: int, subject: str, language: str, messages: list[tuple[str, str]]
) -> Document:
    """The searchable text of a case. `messages` are (subject, text) pairs in order,
    internal notes included: agents search their notes too.

    Masked again here (rule C3): notes and other channels may not have been, and a
    personal number must never be findable through search.
    """
    subjects = [subject]
    seen = {" ".join(words(subject))}
    texts = []
    size = len(subject)
    for message_subject, text in messages:
        message_subject = strip_reply_prefixes(message_subject)
        key = " ".join(words(message_subject))
        if key and key not in seen:  # a merged case keeps the subject it came with
            seen.add(key)
            subjects.append(message_subject)
        text = (text or "")[:MAX_MESSAGE_CHARS]
        if size + len(text) > MAX_DOCUMENT_CHARS:
            break
        size += len(text)
        texts.append(text)
    heading = mask_personal_numbers(f"{number} " + "\n".join(subjects))[0]
    body = mask_personal_numbers("\n".join(texts))[0]
    return Document(case_id, language, heading, body)


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


def parse_query(query: str) -> list[list[Term]]:
    """The query as clauses that must all match, each a list of alternative terms.

    Words are ANDed (an upper-case AND changes nothing); an upper-case OR between two
    words makes them alternatives ("retur OR reklamation"); a trailing * asks for a
    prefix ("beställ*", at least three letters). Everything else (quotes, brackets,
    -, :, ^) is punctuation, and NEAR or NOT are words like any other.
    """
    clauses: list[list[Term]] = []
    join_next = False
    for raw in (query or "").split():
        if raw == _OR:
            join_next = bool(clauses)
            continue
        if raw == _AND:
            continue
        prefix = raw.rstrip("\"')]}").endswith("*")
        found = words(raw)
        for i, word in enumerate(found):
            is_prefix = prefix and i == len(found) - 1 and len(word) >= MIN_PREFIX
            term = Term(word, is_prefix)
            if join_next and clauses:
                clauses[-1].append(term)
            else:
                clauses.append([term])
            join_next = False
    return clauses


def query_languages(language: str | None) -> tuple[str, ...]:
    """The case's language if known, else all four: an agent may search Swedish words
    in a Norwegian case."""
    code = language_code(language)
    return (code,) if code else LANGUAGES


def term_forms(term: Term, languages: tuple[str, ...]) -> list[str]:
    """The word as typed plus its stem in each language, without repeats."""
    forms = [term.word]
    for language in languages:
        form = stem(term.word, language)
        if form and form not in forms:
            forms.append(form)
    return forms
