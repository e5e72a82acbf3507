"""Case numbers stay unique when many take them at once, and taking one waits for nobody.

The first cases of a new installation arrive at once (two web processes and a worker,
bench/scale.py found it): every one gets its own number, none fails. On PostgreSQL the
numbers come from a sequence (cases migration 0017): a counter row was locked by every
new case until its transaction committed, so each worker opening a case waited for the
others (issue #11). Transactional: each thread has its own connection and transaction."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from kundsvar.cases.models import Case, Counter
from kundsvar.cases.services import (
    FIRST_CASE_NUMBER,
    continue_case_numbers_after,
    next_case_number,
)
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.core.tests.atonce import at_once, held_open, refuse_to_wait
from kundsvar.shops.tests.factories import ShopFactory

TAKERS = 6
MIGRATION = importlib.import_module("kundsvar.cases.migrations.0017_case_numbers_and_tally_stripes")


def _postgres() -> None:
    if connection.vendor != "postgresql":
        # SQLite has one writer: the second transaction waits for the first's commit
        # at BEGIN IMMEDIATE, so neither race can happen there.
        pytest.skip("PostgreSQL only: concurrent writers")


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_at_once_are_all_different():  # A6
    _postgres()
    Counter.objects.all().delete()  # a new installation: no counter row either

    def take() -> int:
        with transaction.atomic():
            return next_case_number()

    numbers = at_once(take, TAKERS)
    assert len(set(numbers)) == TAKERS
    assert min(numbers) >= FIRST_CASE_NUMBER


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_while_another_case_is_still_being_opened():  # A6
    """A transaction that took a number and has not committed (a worker's batch) keeps
    nobody else from taking the next one. With a counter row this waited for the
    commit, which `refuse_to_wait` turns into an error."""
    _postgres()
    with held_open(next_case_number) as first, transaction.atomic():
        refuse_to_wait()
        assert next_case_number() > first


@pytest.mark.django_db
def test_numbering_continues_where_it_is_told():
    continue_case_numbers_after(20500)
    assert next_case_number() == 20501
    assert next_case_number() == 20502


@pytest.mark.django_db
def test_the_sequence_starts_after_the_counter_and_the_highest_number():
    """An installation upgraded to migration 0017: the next number is past both the
    counter it used so far and any higher number an import stored."""
    _postgres()
    Counter.objects.update_or_create(name="case", defaults={"value": 20000})
    case = open_email_case(ShopFactory(), timezone.now())
    Case.objects.filter(pk=case.pk).update(number=30000)
    with connection.schema_editor(atomic=False) as editor:
        MIGRATION.make_sequence(apps, editor)
    assert next_case_number() == 30001
    Counter.objects.filter(name="case").update(value=40000)
    with connection.schema_editor(atomic=False) as editor:
        MIGRATION.make_sequence(apps, editor)
    assert next_case_number() == 40001
