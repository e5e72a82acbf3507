"""Rows of one model read by a statement whose column list is made once per model, for the
reads on the path of every message that comes in (threading, the case row it joins).

The ORM compiles every query anew; for a model of fifty columns that compiling cost
several times what the database took to answer (issue #11). Here the columns and the
converters of their values (the ORM's own: time zones, JSON, booleans) are worked out
once; the caller writes the WHERE clause, with parameters, against the alias `t`.
"""

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


@functools.cache
def _reading(model: type[Model], vendor: str) -> tuple[str, list[str], list[tuple]]:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(f"t.{quote(f.column)}" for f in fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col("t")
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    select = f"SELECT {columns} FROM {quote(model._meta.db_table)} t"  # noqa: S608 — names from the model
    return select, [f.attname for f in fields], converters


def fetch(model: type[M], where: str, params: Sequence[Any], *, tail: str = "") -> list[M]:
    """The instances of `model` whose row matches `where` (SQL on the alias `t`, values
    as %s parameters); `tail` follows it (ORDER BY, FOR UPDATE)."""
    select, names, converters = _reading(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE {where} {tail}", list(params))
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            value = values[index]
            for function in functions:
                value = function(value, column, connection)
            values[index] = value
        found.append(model.from_db(connection.alias, names, values))
    return found


def marks(values: Sequence[Any]) -> str:
    """ "%s, %s, …" for an IN list of `values` (at least one)."""
    return ", ".join(["%s"] * len(values))
