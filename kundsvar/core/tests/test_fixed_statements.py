"""core.inserts and core.rows store and read rows as the ORM does (issue #11: the intake
path uses them instead of compiling a query for every message)."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases.models import Case, CaseEvent, Message, Participant
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.core.inserts import insert
from kundsvar.core.rows import fetch, marks
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_case_read_by_a_fixed_statement_is_the_orms():
    case = open_email_case(ShopFactory(), T0, subject="Retur", text="Hej")
    Case.objects.filter(pk=case.pk).update(snoozed_until=T0 + timedelta(days=1))
    by_orm = Case.objects.get(pk=case.pk)
    (fetched,) = fetch(Case, "t.id = %s", [case.pk])
    assert _values(fetched) == _values(by_orm)
    assert fetched.due_at.tzinfo is not None and fetched.subject_derived is False
    assert not fetched._state.adding and fetched == by_orm


def test_where_ordering_and_in_lists():
    shop = ShopFactory()
    cases = [open_email_case(shop, T0 + timedelta(minutes=i)) for i in range(3)]
    numbers = [cases[2].number, cases[0].number]
    found = fetch(
        Case,
        f"t.shop_id = %s AND t.number IN ({marks(numbers)})",
        [shop.pk, *numbers],
        tail="ORDER BY t.id DESC",
    )
    assert [c.pk for c in found] == [cases[2].pk, cases[0].pk]
    assert fetch(Case, "t.id = %s", [0]) == []


def test_a_row_inserted_by_a_fixed_statement_is_the_orms():
    case = open_email_case(ShopFactory(), T0)
    event = CaseEvent(case=case, kind="note", data={"å": [1, "två"]}, created_at=T0)
    assert insert(event) and event.pk and not event._state.adding
    assert _values(CaseEvent.objects.get(pk=event.pk)) == _values(event)
    message = Message(
        case=case,
        direction="in",
        channel="email",
        from_address="a@example.se",
        to_addresses=["b@example.se"],
        parse_warnings=["x"],
        created_at=T0,
    )
    insert(message)
    stored = Message.objects.get(pk=message.pk)
    assert stored.to_addresses == ["b@example.se"] and stored.parse_warnings == ["x"]
    assert stored.created_at == T0


def test_a_conflicting_row_is_skipped_and_said():
    case = open_email_case(ShopFactory(), T0, sender="karin@example.se")
    again = Participant(case=case, address="karin@example.se")  # the first message's
    assert insert(again, skip_conflicts=True) is False and again.pk is None
    other = Participant(case=case, address="per@example.se")
    assert insert(other, skip_conflicts=True) is True and other.pk
    assert case.participants.count() == 2
