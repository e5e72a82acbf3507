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
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    PositiveIntegerField,
    TextField,
)

# Fields whose value, when it is of the type named, is stored as it is: for these
# `get_db_prep_save(pre_save(...))` only hands it through a few calls (to_python,
# get_prep_value), some 3 µs a column. The exact classes, not subclasses (an encrypted
# text field is a TextField that does change its value), and the exact value type.
_PLAIN = {
    CharField: str,
    TextField: str,
    BooleanField: bool,
    IntegerField: int,
    PositiveIntegerField: int,
    BigIntegerField: int,
}


def _plain_type(field: Field) -> type | None:
    if type(field) is ForeignKey:
        return _plain_type(field.target_field) or (int if field.target_field.primary_key else None)
    return _PLAIN.get(type(field))


@functools.cache
def _statement(
    model: type[Model], vendor: str, skip_conflicts: bool
) -> tuple[str, list[tuple[Field, str, type | None]], bool]:
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
    return sql, [(f, f.attname, _plain_type(f)) for f in fields], returning


def insert(obj: Model, *, skip_conflicts: bool = False) -> bool:
    """Store `obj` (a new, unsaved instance) as `obj.save()` would insert it, and set its
    primary key. With `skip_conflicts`, a row that a unique constraint refuses is not
    stored (INSERT … ON CONFLICT DO NOTHING, which on PostgreSQL waits for a concurrent
    insert of the same key to commit): returns whether `obj` was stored. A model without
    an automatic key returns True with `skip_conflicts` as long as nothing failed."""
    sql, fields, returning = _statement(type(obj), connection.vendor, skip_conflicts)
    params = []
    for field, attname, plain in fields:
        value = getattr(obj, attname)
        if value is None or type(value) is not plain:
            value = field.get_db_prep_save(field.pre_save(obj, True), connection)
        params.append(value)
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
