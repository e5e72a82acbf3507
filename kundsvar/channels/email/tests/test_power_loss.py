"""Issue #10, "SQLite power loss": with `synchronous=NORMAL` a committed row may vanish
on power loss while the fsynced raw file stays. The sender hears 250/202 only after the
RawMessage row's commit is on disk: that one commit is made with synchronous=FULL, and
on PostgreSQL with synchronous_commit on (rule A6: nothing the customer sent is
dropped). The worker's commits may stay fast: a lost one leaves a row to process again."""

import pytest
from django.db import connection

from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS, mail


def _durability() -> str:
    """How the connection commits now, asked past Django's cursor (and its wrappers)."""
    cursor = connection.connection.cursor()
    try:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]
    finally:
        cursor.close()


@pytest.mark.django_db(transaction=True)  # accept commits on its own, as in the SMTP server
def test_the_row_is_on_disk_before_the_sender_is_told(settings):  # A6
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    shop = ShopFactory(email=SHOP_ADDRESS)
    table = RawMessage._meta.db_table
    at_insert = []

    def spy(execute, sql, params, many, context):
        if sql.startswith("INSERT INTO") and table in sql:
            at_insert.append(_durability())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        row = pipeline.receive(mail(), shop=shop, source="smtp")
    assert row.state == RawState.PENDING
    assert at_insert == (["FULL"] if connection.vendor == "sqlite" else ["on"])
    # Every other commit of the connection is as fast as before.
    assert _durability() == ("NORMAL" if connection.vendor == "sqlite" else "on")
