"""Statements explained as they run, for tests of the plans of the lookups every mail
makes (test_mail_loops on SQLite, test_lookups_on_fresh_tables on PostgreSQL)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def explained(prefix: str, note: Callable) -> Iterator[None]:
    """In the block, every statement made through `connection.cursor()` is first run
    with `prefix` ("EXPLAIN QUERY PLAN ", "EXPLAIN (ANALYZE, FORMAT JSON) "), `note`
    reading the plan from the cursor, and then run itself."""
    real = connection.cursor

    class Explaining:
        def __init__(self, cursor):
            self.cursor = cursor

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.cursor.close()

        def execute(self, sql, params):
            self.cursor.execute(prefix + sql, params)
            note(self.cursor)
            self.cursor.execute(sql, params)

        def fetchall(self):
            return self.cursor.fetchall()

        def fetchone(self):
            return self.cursor.fetchone()

    connection.cursor = lambda: Explaining(real())
    try:
        yield
    finally:
        connection.cursor = real
