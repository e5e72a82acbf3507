"""Full-text search over articles, one interface for both database engines (rule K2).

Titles and bodies are stemmed in the article's language with the same Snowball code as
the case search (`kundsvar.search.text`), before they reach the database:

- SQLite: an FTS5 table `knowledge_fts` (rowid = article id), ranked by FTS5's BM25
  with the title weighted TITLE_WEIGHT times the body.
- PostgreSQL: a `knowledge_document` tsvector per article (title weight A, body B) with
  a GIN index, built with the "simple" configuration from the pre-stemmed words and
  ranked with ts_rank (title weight 1.0, body 1/TITLE_WEIGHT, length-normalised).

Why pre-stemmed words and not PostgreSQL's swedish/norwegian/danish/english configs:
the same stems on both engines (a test passes or fails the same on both), the same
stems as the query side (which drops stop words and stems in Python, see words.py),
and PostgreSQL 15's Swedish Snowball predates rules the Python one has ("paketet").

The index is derived data: `index_article` rebuilds one entry from the article row, so
calling it late, twice or for a deleted article is always safe.
"""

import copy

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, QuerySet

from kundsvar.search import text
from kundsvar.search.engines import Relevance

from .markup import plain_text
from .models import Article

TITLE_WEIGHT = 3.0
# A stem this long also matches the words it begins ("leverans" finds "leveranstid"):
# Swedish, Norwegian and Danish write compounds as one word. 0 turns it off. On swefaq
# (long questions against long answers, bench/faq_relevance.py) it costs one or two
# questions in a hundred at rank 1; for "leveransen" against "leveranstiden" it is the
# only bridge.
PREFIX_MIN = 5


def prefixes(stems: list[str]) -> set[str]:
    """The stems of this query that also match as the start of a word."""
    return {stem for stem in stems if PREFIX_MIN and len(stem) >= PREFIX_MIN}


def stem_matches(stem: str, document_stems: set[str], prefix: bool = False) -> bool:
    """Whether the index matches `stem` in a document of these stems."""
    if stem in document_stems:
        return True
    return prefix and any(s.startswith(stem) for s in document_stems)


class SqliteEngine:
    def expression(self, stems: list[str]) -> str:
        # Stems are letters and digits only (text.words), so quoting cannot be broken
        # out of, and FTS5 keywords (AND, NEAR) typed by a customer stay plain words.
        star = prefixes(stems)
        return " OR ".join(f'"{s}"' + ("*" if s in star else "") for s in stems)

    def ranked(self, queryset: QuerySet, stems: list[str]) -> QuerySet:
        return queryset.filter(fts__title__fts_match=self.expression(stems)).annotate(
            lexical_score=Relevance(F("fts__title"), heading_weight=TITLE_WEIGHT)
        )

    def replace(self, rows: list[tuple[int, str, str]], deleted: list[int]) -> None:
        with connection.cursor() as cursor:
            gone = [(pk,) for pk in deleted] + [(row[0],) for row in rows]
            cursor.executemany("DELETE FROM knowledge_fts WHERE rowid = %s", gone)
            cursor.executemany(
                "INSERT INTO knowledge_fts (rowid, title, body) VALUES (%s, %s, %s)", rows
            )


class PostgresEngine:
    _UPSERT = (
        "INSERT INTO knowledge_document (article_id, vector) VALUES (%s, "
        "setweight(to_tsvector('simple', %s), 'A') || "
        "setweight(to_tsvector('simple', %s), 'B')) "
        "ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector"
    )
    # ts_rank's weights are for D, C, B, A.
    _WEIGHTS = [0.0, 0.0, round(1 / TITLE_WEIGHT, 3), 1.0]

    def expression(self, stems: list[str]) -> str:
        # Letters and digits only (text.words): safe as tsquery syntax.
        star = prefixes(stems)
        return " | ".join(f"'{s}'" + (":*" if s in star else "") for s in stems)

    def ranked(self, queryset: QuerySet, stems: list[str]) -> QuerySet:
        query = SearchQuery(self.expression(stems), config="simple", search_type="raw")
        return queryset.filter(document__vector=query).annotate(
            lexical_score=SearchRank(
                F("document__vector"), query, weights=self._WEIGHTS, normalization=1
            )
        )

    def replace(self, rows: list[tuple[int, str, str]], deleted: list[int]) -> None:
        with connection.cursor() as cursor:
            if deleted:
                cursor.execute(
                    "DELETE FROM knowledge_document WHERE article_id = ANY(%s)", [deleted]
                )
            cursor.executemany(self._UPSERT, rows)


def engine() -> SqliteEngine | PostgresEngine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SqliteEngine()
    raise NotImplementedError(f"No full-text search for {connection.vendor}")


def document_stems(title: str, body: str, language: str) -> tuple[str, str]:
    """What the index holds for an article: its stemmed title and stemmed plain body."""
    return text.stem_words(title, language), text.stem_words(plain_text(body), language)


def ranked(queryset: QuerySet, stems: list[str]) -> QuerySet:
    """The articles of `queryset` containing any of `stems` (already stemmed in the
    articles' language), best first, each with `lexical_score` (higher is better)."""
    if not stems:
        return queryset.none()
    found = engine().ranked(queryset, stems)
    return found.order_by(F("lexical_score").desc(), "position", "pk")


_SENTINEL = "zzkundsvarstemzz"  # never a real stem: marks where the query's words go


def ranked_statement(queryset: QuerySet, limit: int):
    """`ranked(queryset, stems)[:limit]` compiled once, for many questions against the
    same articles (the acknowledgements of a batch of mail): a function of the stems
    that gives the rows, best first, each with `lexical_score`. The ORM takes some half
    a millisecond to compile the query; this only swaps the words in its parameters.

    The statement reads ids and scores only; each article found is loaded once and kept
    with the statement (the same few articles answer question after question), and
    every caller gets its own copy with its own `lexical_score`. Keep the statement no
    longer than the articles may stay unchanged (queries._search: a batch of work)."""
    search = engine()
    sql, params = (
        ranked(queryset, [_SENTINEL]).values_list("pk", "lexical_score")[:limit].query
    ).sql_with_params()
    marker = search.expression([_SENTINEL])
    if params.count(marker) == 0:  # the engine put the words elsewhere: compile each time
        return lambda stems: list(ranked(queryset, stems)[:limit]) if stems else []
    articles: dict = {}

    def run(stems: list[str]) -> list[Article]:
        if not stems:
            return []
        words = search.expression(stems)
        with connection.cursor() as cursor:
            cursor.execute(sql, [words if p == marker else p for p in params])
            rows = cursor.fetchall()
        missing = [pk for pk, _score in rows if pk not in articles]
        if missing:
            articles.update(queryset.in_bulk(missing))
        found = []
        for pk, score in rows:
            if pk in articles:  # else deleted since, by another process
                article = copy.copy(articles[pk])
                article.lexical_score = score
                found.append(article)
        return found

    return run


def index_articles(article_ids: list[int]) -> None:
    """(Re)index these articles from their rows; ids of deleted articles leave the index."""
    with transaction.atomic():
        articles = Article.objects.filter(pk__in=article_ids).values_list(
            "pk", "title", "body", "language"
        )
        rows = [
            (pk, *document_stems(title, body, language)) for pk, title, body, language in articles
        ]
        found = {row[0] for row in rows}
        engine().replace(rows, deleted=[pk for pk in article_ids if pk not in found])


def index_on_commit(article_id: int) -> None:
    """For services: index once the write has committed (never for a rollback)."""
    transaction.on_commit(lambda: index_articles([article_id]))


def rebuild() -> int:
    """Index every article again (after a restore, or a change to the stemming)."""
    ids = list(Article.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        index_articles(ids[start : start + 500])
    return len(ids)
