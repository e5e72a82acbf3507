"""The queue's counts, kept by the database: triggers on cases_case add and take one
from `QueueTally` rows keyed by (shop, lane, assignee, SLA state) on every insert,
update and delete, whatever wrote it (the services, the SLA sweep's bulk `update()`, a
COPY). Reading a view's count is then a sum over a few dozen rows.

On PostgreSQL a key has up to STRIPES rows, and a transaction adds to the one its
transaction id picks. With one row per key, every worker opening a case in the same
shop waited for the row's lock until the other's commit: the queue's "new" row was a
lock every new case took. Concurrent transactions have neighbouring ids, so they mostly
take different rows; a count is the sum of its key's rows, which readers take anyway.
SQLite has one writer: everything is in stripe 0.

SQLite drops a table's triggers when Django rebuilds the table (an AlterField on Case,
say). `test_queue_counts.py` checks that they are there after all migrations; a
migration that rebuilds cases_case must call `install` again (a RunPython of its own).
"""

from django.db import connection

TABLE = "cases_case"
TALLY = "cases_queuetally"
TRIGGERS = ("case_tally_insert", "case_tally_update", "case_tally_delete")

# The lane of a status, as the generated column Case.lane computes it.
_LANE = (
    "CASE WHEN {r}.status IN ('new', 'open') THEN 0 "
    "WHEN {r}.status IN ('waiting', 'answered') THEN 1 ELSE 2 END"
)


def _key(row: str) -> str:
    return f"{row}.shop_id, {_LANE.format(r=row)}, COALESCE({row}.assignee_id, 0), {row}.sla_state"


STRIPES = 8


def _add(row: str, step: int, stripe: str | None) -> str:
    """The statement adding `step` to the tally of `row` (NEW or OLD), in `stripe` (an
    SQL expression; None before the stripe column's migration)."""
    if stripe is None:
        return (
            f"INSERT INTO {TALLY} (shop_id, lane, assignee_id, sla_state, n) "  # noqa: S608 — our own table and column names, no values
            f"VALUES ({_key(row)}, {step}) "
            "ON CONFLICT (shop_id, lane, assignee_id, sla_state) "
            f"DO UPDATE SET n = {TALLY}.n + {step};"
        )
    return (
        f"INSERT INTO {TALLY} (shop_id, lane, assignee_id, sla_state, stripe, n) "  # noqa: S608 — our own table and column names, no values
        f"VALUES ({_key(row)}, {stripe}, {step}) "
        "ON CONFLICT (shop_id, lane, assignee_id, sla_state, stripe) "
        f"DO UPDATE SET n = {TALLY}.n + {step};"
    )


_CHANGED = (
    "OLD.shop_id IS NOT NEW.shop_id OR OLD.status IS NOT NEW.status "
    "OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.sla_state IS NOT NEW.sla_state"
)


def _sqlite(striped: bool) -> list[str]:
    stripe = "0" if striped else None
    statements = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]
    return [
        *statements,
        f"CREATE TRIGGER case_tally_insert AFTER INSERT ON {TABLE} "
        f"BEGIN {_add('NEW', 1, stripe)} END",
        f"CREATE TRIGGER case_tally_update AFTER UPDATE ON {TABLE} "
        f"WHEN {_CHANGED} BEGIN {_add('OLD', -1, stripe)} {_add('NEW', 1, stripe)} END",
        f"CREATE TRIGGER case_tally_delete AFTER DELETE ON {TABLE} "
        f"BEGIN {_add('OLD', -1, stripe)} END",
    ]


def _postgres(striped: bool) -> list[str]:
    stripe = f"(txid_current() % {STRIPES})::smallint" if striped else None
    changed = _CHANGED.replace("IS NOT", "IS DISTINCT FROM")
    function = f"""
CREATE OR REPLACE FUNCTION case_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_add("OLD", -1, stripe)}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    {_add("NEW", 1, stripe)}
  END IF;
  RETURN NULL;
END $$"""
    statements = [function]
    for name, event in zip(TRIGGERS, ("INSERT", "UPDATE", "DELETE"), strict=True):
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION case_tally()"
        )
    return statements


def install(schema_editor=None) -> None:
    """Create the triggers (again) and recount: safe to run any number of times."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        columns = {c.name for c in conn.introspection.get_table_description(cursor, TALLY)}
        striped = "stripe" in columns  # migration 0017 on
        statements = _postgres(striped) if conn.vendor == "postgresql" else _sqlite(striped)
        for sql in statements:
            cursor.execute(sql)
    recount(conn)


def uninstall(schema_editor) -> None:
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        for name in TRIGGERS:
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if conn.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS case_tally()")


def recount(conn=None) -> None:
    """Count every case again (after a repair, or a restore that skipped triggers)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY}")  # noqa: S608 — our own table and column names, no values
        cursor.execute(
            f"INSERT INTO {TALLY} (shop_id, lane, assignee_id, sla_state, n) "  # noqa: S608 — our own table and column names, no values
            f"SELECT {_key(TABLE)}, COUNT(*) FROM {TABLE} GROUP BY 1, 2, 3, 4"
        )


def installed() -> set[str]:
    """The names of the tally triggers present on cases_case."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [TABLE])
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
        return {row[0] for row in cursor.fetchall()} & set(TRIGGERS)
