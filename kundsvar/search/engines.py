"""The two implementations behind `search_cases` and `index_case`, picked by the vendor
of the connection: an SQLite FTS5 table, or a PostgreSQL tsvector column with a GIN
index. Both index and query the same stemmed words (text.py)."""

import io

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, IntegerField, QuerySet, Subquery

from . import text
from .text import Document, Term

# Keep in step with migration 0001, which creates the same tables.
FTS_TABLE_SQL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "heading, body, tokenize = 'unicode61 remove_diacritics 0')"
)
PG_INDEX_SQL = "CREATE INDEX search_document_vector ON search_document USING gin (vector)"
PG_CONFIG = "simple"
HEADING_WEIGHT = 4.0  # a word in the subject counts four times one in a message


class Relevance(Func):
    """Higher is better: FTS5's bm25 (negative, lower is better) turned around, with the
    first column (heading, title) weighted `heading_weight` times the second."""

    output_field = FloatField()

    def __init__(self, expression, heading_weight: float = HEADING_WEIGHT, **extra):
        super().__init__(expression, **extra)
        self.heading_weight = float(heading_weight)

    def as_sql(self, compiler, connection, **extra):
        column = self.source_expressions[0]
        alias = compiler.quote_name_unless_alias(column.alias)
        table = connection.ops.quote_name(column.target.model._meta.db_table)
        return f"(-bm25({alias}.{table}, {self.heading_weight}, 1.0))", []


class FtsRowid(Func):
    """The rowid (the case id) of the FTS5 row joined for `search_fts__heading`: a
    constraint on it reaches FTS5 itself (a doclist seek), one on the case's id does not."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        column = self.source_expressions[0]
        return f"{compiler.quote_name_unless_alias(column.alias)}.rowid", []


class Smallest(Subquery):
    """The smallest `newest_id` of a (sliced) subquery."""

    template = '(SELECT MIN("newest_id") FROM (%(subquery)s) newest)'
    output_field = IntegerField()


class SqliteEngine:
    def search(
        self, queryset: QuerySet, clauses: list[list[Term]], languages, ranked: int
    ) -> QuerySet:
        expression = " AND ".join(
            "(" + " OR ".join(self._forms(term, languages) for term in clause) + ")"
            for clause in clauses
        )
        found = queryset.filter(search_fts__heading__fts_match=expression)
        # Ranking computes bm25 for every match (1M cases: 670,000 rows for "paketet",
        # ~700 ms); rank only the newest `ranked`, which FTS5 reads in rowid order.
        newest = (
            found.annotate(newest_id=FtsRowid(F("search_fts__heading")))
            .order_by("-newest_id")
            .values("newest_id")[:ranked]
        )
        return (
            found.alias(fts_rowid=FtsRowid(F("search_fts__heading")))
            .filter(fts_rowid__gte=Smallest(newest))
            .annotate(search_rank=Relevance(F("search_fts__heading")))
        )

    @staticmethod
    def _forms(term: Term, languages) -> str:
        # Words are letters and digits only (text.words), so quoting cannot be broken out
        # of, and FTS5 keywords (AND, NEAR, *) typed by the agent stay plain words.
        star = "*" if term.prefix else ""
        return " OR ".join(f'"{form}"{star}' for form in text.term_forms(term, languages))

    @staticmethod
    def _rows(documents: list[Document]) -> list[tuple]:
        return [
            (d.case_id, text.stem_words(d.heading, d.language), text.stem_words(d.body, d.language))
            for d in documents
        ]

    def replace(self, documents: list[Document], deleted: list[int]) -> None:
        rows = self._rows(documents)
        with connection.cursor() as cursor:
            gone = [(case_id,) for case_id in deleted] + [(row[0],) for row in rows]
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", gone)
            cursor.executemany(
                "INSERT INTO search_fts (rowid, heading, body) VALUES (%s, %s, %s)", rows
            )

    # A rebuild fills a second table and swaps it in at the end, so searching and
    # indexing go on meanwhile and the write lock is only ever held for one chunk.
    def start_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_fts_new")
            cursor.execute(FTS_TABLE_SQL.replace("search_fts", "search_fts_new", 1))

    def add(self, documents: list[Document]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts_new (rowid, heading, body) VALUES (%s, %s, %s)",
                self._rows(documents),
            )

    def finish_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts_new (search_fts_new) VALUES ('optimize')")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE search_fts")
            cursor.execute("ALTER TABLE search_fts_new RENAME TO search_fts")


class PostgresEngine:
    # Words arrive stemmed (text.py), so PostgreSQL only splits them: the "simple"
    # configuration. Its own Swedish Snowball (PostgreSQL 15) predates the "-et" rule
    # and keeps "paketet" apart from "paket"; stemming in one place gives the same
    # answers on both engines and on every PostgreSQL version.
    _UPSERT = (
        "INSERT INTO search_document (case_id, vector) VALUES (%(case_id)s, "
        "setweight(to_tsvector('simple', %(heading)s), 'A') || "
        "setweight(to_tsvector('simple', %(body)s), 'B')) "
        "ON CONFLICT (case_id) DO UPDATE SET vector = EXCLUDED.vector"
    )
    _LOAD = (
        "INSERT INTO search_document_new (case_id, vector) SELECT case_id, "
        "setweight(to_tsvector('simple', heading), 'A') || "
        "setweight(to_tsvector('simple', body), 'B') FROM search_load"
    )

    def search(
        self, queryset: QuerySet, clauses: list[list[Term]], languages, ranked: int
    ) -> QuerySet:
        # Forms are letters and digits only (text.words), so they are safe as tsquery
        # syntax, and what the agent typed (& | ! : <->) never reaches it.
        raw = " & ".join(
            "(" + " | ".join(self._forms(term, languages) for term in clause) + ")"
            for clause in clauses
        )
        query = SearchQuery(raw, config=PG_CONFIG, search_type="raw")
        found = queryset.filter(search_document__vector=query)
        # Rank only the newest `ranked` matches: for a common word a backward walk of the
        # primary key that stops early, for a rare one the GIN index (the planner picks).
        newest = found.order_by("-search_document__case_id").values("search_document__case_id")[
            :ranked
        ]
        return found.filter(pk__in=newest).annotate(
            search_rank=SearchRank(F("search_document__vector"), query, normalization=1)
        )

    @staticmethod
    def _forms(term: Term, languages) -> str:
        star = ":*" if term.prefix else ""
        return " | ".join(f"'{form}'{star}" for form in text.term_forms(term, languages))

    @staticmethod
    def _row(document: Document) -> dict:
        return {
            "case_id": document.case_id,
            "heading": text.stem_words(document.heading, document.language),
            "body": text.stem_words(document.body, document.language),
        }

    def replace(self, documents: list[Document], deleted: list[int]) -> None:
        with connection.cursor() as cursor:
            if deleted:
                cursor.execute("DELETE FROM search_document WHERE case_id = ANY(%s)", [deleted])
            cursor.executemany(self._UPSERT, [self._row(d) for d in documents])

    def start_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_document_new")
            cursor.execute("CREATE TABLE search_document_new (LIKE search_document)")

    def add(self, documents: list[Document]) -> None:
        """COPY the stemmed words into a scratch table, then build the vectors in one go."""
        buffer = io.StringIO()
        for row in map(self._row, documents):  # words only: no tab, newline or backslash
            buffer.write(f"{row['case_id']}\t{row['heading']}\t{row['body']}\n")
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS search_load "
                "(case_id bigint, heading text, body text)"
            )
            with cursor.cursor.copy("COPY search_load FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            cursor.execute(self._LOAD)
            cursor.execute("TRUNCATE search_load")

    def finish_rebuild(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("ALTER TABLE search_document_new ADD PRIMARY KEY (case_id)")
            cursor.execute(PG_INDEX_SQL.replace("search_document", "search_document_new"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document_new")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE search_document")
            cursor.execute("ALTER TABLE search_document_new RENAME TO search_document")
            cursor.execute("ALTER INDEX search_document_new_pkey RENAME TO search_document_pkey")
            cursor.execute(
                "ALTER INDEX search_document_new_vector RENAME TO search_document_vector"
            )


def engine() -> SqliteEngine | PostgresEngine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SqliteEngine()
    raise NotImplementedError(f"No full-text search for {connection.vendor}")
