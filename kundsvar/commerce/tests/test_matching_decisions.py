"""Rule C4: the agent (or the customer's signed link) decides. One confirmed order per
case, a rejected suggestion stays rejected, and another shop's order is never linked."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.commerce.matching import (
    MatchError,
    certain_order,
    link_confirmed,
    match_case,
    reject,
)
from kundsvar.commerce.models import CaseOrder, MatchState
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def alice(shop):
    return AgentFactory(shops=[shop])


@pytest.fixture
def case(shop):
    return open_email_case(
        shop, T0, sender="karin.jobb@firma.se", subject="Order 10234", text="Var är min jacka?"
    )


def test_confirming_a_suggestion_makes_it_the_customers_order(shop, alice, case):  # C4, A5
    order = OrderFactory(shop=shop, number="10234", email="karin@example.se")
    match_case(case, now=T0)
    assert certain_order(case) is None
    link = link_confirmed(case, order, agent=alice, now=T0)
    assert (link.state, link.certain, link.confidence) == (MatchState.CONFIRMED, True, 100)
    assert link.reasons == ["order_number", "agent"]
    assert link.decided_by == alice
    assert certain_order(case) == order
    order.refresh_from_db()
    assert order.customer == case.customer


def test_changing_to_another_order_keeps_one_confirmed(shop, alice, case):  # C4
    first = OrderFactory(shop=shop, number="10234")
    second = OrderFactory(shop=shop, number="10235")
    link_confirmed(case, first, agent=alice, now=T0)
    link_confirmed(case, second, agent=alice, now=T0)
    states = dict(CaseOrder.objects.filter(case=case).values_list("order__number", "state"))
    assert states == {"10234": MatchState.SUGGESTED, "10235": MatchState.CONFIRMED}
    assert certain_order(case) == second


def test_the_database_refuses_two_confirmed_orders(shop, case):  # C4
    first, second = OrderFactory(shop=shop), OrderFactory(shop=shop)
    CaseOrder.objects.create(case=case, order=first, state=MatchState.CONFIRMED, created_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseOrder.objects.create(case=case, order=second, state=MatchState.CONFIRMED, created_at=T0)


def test_a_rejected_suggestion_stays_rejected(shop, alice, case):  # C4
    order = OrderFactory(shop=shop, number="10234", email="karin.jobb@firma.se")
    match_case(case, now=T0)
    assert certain_order(case) == order
    assert reject(case, order, agent=alice, now=T0) == 1
    assert certain_order(case) is None
    write_again(case, T0, sender="karin.jobb@firma.se", text="Order 10234, igen!")
    assert match_case(case, now=T0) == []
    link = CaseOrder.objects.get(case=case, order=order)
    assert (link.state, link.certain, link.decided_by) == (MatchState.REJECTED, False, alice)


def test_unlinking_a_confirmed_order(shop, alice, case):  # C4, A5
    order = OrderFactory(shop=shop, number="10234")
    link_confirmed(case, order, agent=alice, now=T0)
    reject(case, order, agent=alice, now=T0)
    assert certain_order(case) is None
    # The agent changes their mind: confirming brings it back.
    link_confirmed(case, order, agent=alice, now=T0)
    assert certain_order(case) == order


def test_an_order_of_another_shop_cannot_be_linked(case):  # C4, A5
    foreign = OrderFactory(shop=ShopFactory(), number="10234")
    with pytest.raises(MatchError):
        link_confirmed(case, foreign, now=T0)
    assert not CaseOrder.objects.exists()


def test_a_signed_link_confirms_with_its_own_reason(shop, case):  # C4, C2
    order = OrderFactory(shop=shop)
    link = link_confirmed(case, order, reason="form", now=T0)
    assert link.reasons == ["form"]
    assert link.decided_by is None
    assert certain_order(case) == order


def test_a_confirmed_link_outranks_a_stronger_suggestion(shop, alice, case):  # C4
    mentioned = OrderFactory(shop=shop, number="10234", email="karin.jobb@firma.se")
    other = OrderFactory(shop=shop, number="77777")
    match_case(case, now=T0)
    link_confirmed(case, other, agent=alice, now=T0)
    match_case(case, now=T0)
    assert certain_order(case) == other
    assert CaseOrder.objects.get(case=case, order=mentioned).state == MatchState.SUGGESTED


def test_linking_and_unlinking_are_in_the_case_history(shop):  # C4: decisions are audited
    from kundsvar.accounts.models import Agent
    from kundsvar.cases.models import CaseEvent, EventKind

    agent = Agent.objects.create_user("linker", password="pw")
    order = OrderFactory(shop=shop, number="30001")
    case = open_email_case(shop, T0, sender="x@example.se", subject="Fråga")
    link_confirmed(case, order, agent=agent, now=T0)
    reject(case, order, agent=agent, now=T0)
    events = list(
        CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.ORDER_LINKED, EventKind.ORDER_UNLINKED]
        ).values_list("kind", "actor", "data")
    )
    assert events == [
        (EventKind.ORDER_LINKED, agent.pk, {"order": "30001", "reason": "agent"}),
        (EventKind.ORDER_UNLINKED, agent.pk, {"order": "30001"}),
    ]
