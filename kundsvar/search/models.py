"""The search index, one table per database engine (both created by migration 0001).

Neither model is managed by Django: each table exists only on its own engine, and only
`kundsvar.search` writes to them. They exist as models so that a Case queryset can
join the index (a reverse one-to-one) and keep every filter the caller already applied.
`on_delete=DO_NOTHING` and no database constraint: deleting a case must not touch the
table of the other engine, and a row left behind for a deleted case joins nothing.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Lookup


class FtsField(models.TextField):
    """A column of an SQLite FTS5 table; supports `__fts_match`."""


@FtsField.register_lookup
class FtsMatch(Lookup):
    """`<table> MATCH <expression>` on the FTS5 table the column belongs to.

    FTS5 matches on its hidden column named like the table; qualifying it with the
    join's alias keeps it right however Django aliases the join.
    """

    lookup_name = "fts_match"

    def as_sql(self, compiler, connection):
        qn = compiler.quote_name_unless_alias
        rhs, params = self.process_rhs(compiler, connection)
        table = self.lhs.target.model._meta.db_table
        return f"{qn(self.lhs.alias)}.{connection.ops.quote_name(table)} MATCH {rhs}", params


class FtsRow(models.Model):
    """SQLite: one row of the FTS5 table `search_fts` per case, rowid = case id.
    Columns hold words already stemmed in the case's language (see text.py)."""

    case = models.OneToOneField(
        "cases.Case",
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_fts",
    )
    heading = FtsField()
    body = FtsField()

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"fts #{self.case_id}"


class SearchDocument(models.Model):
    """PostgreSQL: one tsvector per case (heading weighted A, messages B), GIN-indexed."""

    case = models.OneToOneField(
        "cases.Case",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    vector = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_document"

    def __str__(self) -> str:
        return f"document #{self.case_id}"
