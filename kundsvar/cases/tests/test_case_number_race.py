"""The first cases of a new installation arrive at once (two web processes and a worker,
bench/scale.py found it): every one gets its own number, none fails on the counter's row.
Transactional: each thread has its own connection and transaction."""

import time

import pytest
from django.db import connection, transaction

from kundsvar.cases.models import Counter
from kundsvar.cases.services import FIRST_CASE_NUMBER, next_case_number
from kundsvar.core.tests.atonce import at_once

pytestmark = pytest.mark.django_db(transaction=True)
TAKERS = 6


def test_numbers_taken_at_once_on_a_new_installation_are_all_different():  # A6
    if connection.vendor != "postgresql":
        # SQLite has one writer: the second UPDATE waits for the first transaction's
        # commit, so the race cannot happen (and the in-memory test database locks tables).
        pytest.skip("PostgreSQL only: concurrent writers")
    Counter.objects.all().delete()

    def take() -> int:
        with transaction.atomic():
            number = next_case_number()
            time.sleep(0.05)  # the rest of the case's transaction
        return number

    numbers = at_once(take, TAKERS)
    assert sorted(numbers) == list(range(FIRST_CASE_NUMBER, FIRST_CASE_NUMBER + TAKERS))
    assert Counter.objects.get(name="case").value == FIRST_CASE_NUMBER + TAKERS - 1


def test_the_counter_continues_where_it_was():
    Counter.objects.update_or_create(name="case", defaults={"value": 20500})
    assert next_case_number() == 20501
    assert next_case_number() == 20502
