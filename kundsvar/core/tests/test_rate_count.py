"""The rate-limit counter (`core.ratelimit.count`) counts exactly under concurrency: many
threads, each with its own database connection, count the same key at once and none of
their counts is lost (PostgreSQL, as in production with many web processes); a window
that has ended starts again at one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from kundsvar.core import ratelimit
from kundsvar.core.models import RateCount
from kundsvar.core.tests.atonce import at_once

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_are_never_lost():
    if connection.vendor != "postgresql":
        # SQLite has one writer, so counts cannot race there; and the in-memory test
        # database locks whole tables between threads ("database table is locked").
        pytest.skip("PostgreSQL only: concurrent writers")
    threads, each = 8, 25

    seen = at_once(lambda: [ratelimit.count("burst", 600) for _ in range(each)], threads)

    # Every count handed out once: 1, 2, …, 200, with no number twice (a lost update
    # would hand two requests the same number and let the 201st through).
    assert sorted(n for counts in seen for n in counts) == list(range(1, threads * each + 1))
    assert RateCount.objects.get(key="burst").count == threads * each


@pytest.mark.django_db
def test_a_window_that_ended_starts_again_at_one(time_machine):
    time_machine.move_to(NOW, tick=False)
    assert [ratelimit.count("k", 600) for _ in range(3)] == [1, 2, 3]

    time_machine.move_to(NOW + timedelta(seconds=599), tick=False)
    assert ratelimit.count("k", 600) == 4

    time_machine.move_to(NOW + timedelta(seconds=600), tick=False)
    assert ratelimit.count("k", 600) == 1
    assert ratelimit.count("k", 600) == 2


@pytest.mark.django_db
def test_limits_are_per_scope_and_key(settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    settings.RATE_LIMITS = {"faq_vote": 2, "rating": 2}
    assert [ratelimit.allow_key("faq_vote", "203.0.113.7") for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert ratelimit.allow_key("rating", "203.0.113.7")  # another scope, its own count
    assert ratelimit.allow_key("faq_vote", "203.0.113.8")  # another address
    assert ratelimit.allow_key("faq_vote", "x", limit=5)  # a limit given by the caller
