"""Rule K1: which questions the FAQ should answer, proposed from the shop's own cases.

Simple on purpose, so an admin can check it by hand: over the last DAYS days, take each
case's subject and first message, keep the meaningful words (words.py), and count in how
many cases each stemmed word and each pair of neighbouring words occurs. Words and
phrases that come up in at least MIN_CASES cases and that no published article answers
well (`queries.is_relevant`) are proposed, most frequent first, with example cases.
A phrase is preferred to its words when it carries most of their cases.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from kundsvar.cases.models import Case, Direction, Message
from kundsvar.search.text import stem as stem_word

from . import queries, words
from .models import Article

DAYS = 90
MIN_CASES = 3
MAX_CASES = 5_000  # the most recent; enough to see what is asked
TEXT_CHARS = 2_000
MIN_STEM = 3
PHRASE_SHARE = 0.6  # a phrase stands for its word when it has this share of its cases
EXAMPLES = 3


@dataclass
class Topic:
    phrase: str
    cases: int
    share: float
    language: str
    examples: list = field(default_factory=list)  # (number, subject), newest first
    article: Article | None = None  # the published article that answers it, if any


@dataclass
class Proposal:
    cases: int
    missing: list[Topic]
    answered: list[Topic]


def _first_messages(case_ids: list[int]) -> dict[int, str]:
    first: dict[int, str] = {}
    rows = (
        Message.objects.filter(case_id__in=case_ids, direction=Direction.INBOUND)
        .order_by("case_id", "created_at", "pk")
        .values_list("case_id", "new_text", "body_text")
    )
    for case_id, new_text, body_text in rows.iterator(chunk_size=2000):
        if case_id not in first:
            first[case_id] = (new_text or body_text or "")[:TEXT_CHARS]
    return first


def _terms(text: str, language: str) -> list[tuple[tuple[str, ...], str]]:
    """(stems, surface) for every meaningful word and neighbouring pair of `text`."""
    found = []
    previous = None
    for word in words.meaningful_words(text, language):
        stem = stem_word(word, language)
        if len(stem) < MIN_STEM:
            previous = None
            continue
        found.append(((stem,), word))
        if previous is not None and previous[0] != stem:
            found.append(((previous[0], stem), f"{previous[1]} {word}"))
        previous = (stem, word)
    return found


def proposed_topics(shop, now=None, limit: int = 10) -> Proposal:
    since = (now or timezone.now()) - timedelta(days=DAYS)
    cases = list(
        Case.objects.filter(shop=shop, received_at__gte=since, merged_into__isnull=True)
        .order_by("-received_at")
        .values_list("pk", "number", "subject", "language")[:MAX_CASES]
    )
    first = _first_messages([pk for pk, *_ in cases])
    counts: Counter = Counter()
    surfaces: dict[tuple, Counter] = defaultdict(Counter)
    languages: dict[tuple, Counter] = defaultdict(Counter)
    examples: dict[tuple, list] = defaultdict(list)
    for pk, number, subject, language in cases:
        seen = set()
        for key, surface in _terms(f"{subject}\n{first.get(pk, '')}", language):
            surfaces[key][surface] += 1
            if key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            languages[key][language] += 1
            if len(examples[key]) < EXAMPLES:
                examples[key].append((number, subject))

    frequent = [(key, n) for key, n in counts.most_common() if n >= MIN_CASES]
    phrases = [key for key, _n in frequent if len(key) == 2]
    chosen = [
        key
        for key, n in frequent
        if len(key) == 2
        or not any(key[0] in phrase and counts[phrase] >= PHRASE_SHARE * n for phrase in phrases)
    ]
    missing, answered = [], []
    for key in chosen:
        language = languages[key].most_common(1)[0][0]
        phrase = surfaces[key].most_common(1)[0][0]
        topic = Topic(
            phrase, counts[key], round(counts[key] / len(cases), 3), language, examples[key]
        )
        hits = queries.rank(shop, phrase, language, limit=1)
        if hits and hits[0].relevant:
            topic.article = hits[0].article
            answered.append(topic)
        else:
            missing.append(topic)
        if len(missing) >= limit:
            break
    return Proposal(cases=len(cases), missing=missing[:limit], answered=answered[:limit])
