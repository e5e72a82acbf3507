"""One row inserted by a statement made once per model, for the rows written for every
message that comes in (the case, its message, their events, a new customer).

`Model.objects.create` compiles its INSERT anew for every row: the SQL, and for each of
the twenty-odd columns of a message the field lookups around its value. On the intake
path that compiling cost more than the database took to store the row (issue #11).
Here the statement is made once per model and connection vendor; each row only has
its values prepared, by the fields themselves (`pre_save`, `get_db_prep_save`), as the
ORM prepares them, so what is stored is the same.

What it skips is what these rows never use: signals (the project has none), a model's
own `save()` (call what it would do first), and multi-table inheritance.
"""

import functools

from django.db import connection
from django.db.models import Field, Model


@functools.cache
def _statement(
    model: type[Model], vendor: str, skip_conflicts: bool
) -> tuple[str, list[Field], bool]:
    meta = model._meta
    auto = meta.auto_field
    fields = [f for f in meta.local_concrete_fields if f is not auto and not f.generated]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    returning = auto is not None
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 — names from the model
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {quote(auto.column)}"  # type: ignore[union-attr]
    return sql, fields, returning


def insert(obj: Model, *, skip_conflicts: bool = False) -> bool:
    """Store `obj` (a new, unsaved instance) as `obj.save()` would insert it, and set its
    primary key. With `skip_conflicts`, a row that a unique constraint refuses is not
    stored (INSERT … ON CONFLICT DO NOTHING, which on PostgreSQL waits for a concurrent
    insert of the same key to commit): returns whether `obj` was stored. A model without
    an automatic key returns True with `skip_conflicts` as long as nothing failed."""
    sql, fields, returning = _statement(type(obj), connection.vendor, skip_conflicts)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            row = cursor.fetchone()
            if row is None:  # refused by a unique constraint (skip_conflicts)
                return False
            obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True
