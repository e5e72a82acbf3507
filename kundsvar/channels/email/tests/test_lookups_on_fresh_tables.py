"""The lookups every inbound mail makes find their rows by a Message-ID or a sender and
only then ask each row's shop (cases.queries.of_shop), so they stay cheap on tables
filled faster than PostgreSQL gathers statistics: a new installation's first burst, an
import. With a join on the case, the planner took the shop's cases for a handful and
walked every one of them for every mail (5-8 ms a statement on the bench)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import loops, pipeline, threading
from kundsvar.channels.email.parse import ParsedEmail
from kundsvar.shops.tests.factories import ShopFactory

from .explaining import explained

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL's plans follow its statistics; SQLite's tests/test_mail_loops",
    ),
]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CASES = 100


def _cases_rows_read(run) -> list[int]:
    """Run `run()` with every statement it makes explained (ANALYZE): for each, the rows
    read from cases_case, over all loops."""
    read: list[int] = []

    def note(cursor):
        read.append(_rows_from(cursor.fetchone()[0][0]["Plan"], "cases_case"))

    with explained("EXPLAIN (ANALYZE, FORMAT JSON) ", note):
        run()
    return read


def _rows_from(node: dict, table: str) -> int:
    own = node["Actual Rows"] * node["Actual Loops"] if node.get("Relation Name") == table else 0
    return own + sum(_rows_from(child, table) for child in node.get("Plans", []))


def test_the_mails_lookups_read_a_case_or_two_however_stale_the_statistics():  # R5, A6
    shop = ShopFactory()
    open_email_case(shop, T0, message_id="<first@kund.example>")
    with connection.cursor() as cursor:  # the statistics say: one case, one message
        cursor.execute("ANALYZE cases_case, cases_message, mail_outboundemail")
    for i in range(CASES):
        open_email_case(shop, T0 + timedelta(seconds=i), message_id=f"<m{i}@kund.example>")
    wanted = "<m7@kund.example>"
    parsed = ParsedEmail(message_id=wanted)
    found = {}

    def lookups():
        found["cited"] = threading._cited_cases(shop, [wanted, "<ours@butik.example>"])
        found["same"] = pipeline._same_message_id(shop, parsed)
        found["acks"] = loops._acks_around(shop.pk, [wanted], T0, timedelta(minutes=2))

    read = _cases_rows_read(lookups)
    assert [row[0] for row in found["cited"]] == [wanted]  # it still finds the case
    assert [m.case_id for m in found["same"]] == [found["cited"][0][1]]
    assert found["acks"] == []
    assert len(read) == 3 and max(read) <= 2, read  # not the shop's 101 cases
