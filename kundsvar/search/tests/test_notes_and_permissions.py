"""Agents search their internal notes too; what they may see is decided by the caller's
queryset (cases_for), never widened by search."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import services
from kundsvar.cases.queries import cases_for
from kundsvar.search.queries import search_cases
from kundsvar.search.services import index_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def test_internal_notes_are_searchable():
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])
    case = indexed_case(shop, "Faktura", "Jag har inte fått någon faktura.")
    services.add_note(
        case,
        agent,
        "Kunden ringde, lovade kreditering på fredag.",
        now=datetime(2026, 11, 23, 10, 0, tzinfo=STHLM),
    )
    index_case(case.pk)
    assert found("krediteringen") == [case.number]


def test_agents_replies_are_searchable():
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])
    case = indexed_case(shop, "Jacka", "När kommer jackan?")
    services.reply(
        case,
        agent,
        "Den skickas med PostNord i morgon.",
        now=datetime(2026, 11, 23, 10, 0, tzinfo=STHLM),
    )
    index_case(case.pk)
    assert found("postnord") == [case.number]


def test_a_case_of_another_shop_is_not_found_through_the_agents_cases():
    ours, theirs = ShopFactory(), ShopFactory()
    alice = AgentFactory(shops=[ours])
    own = indexed_case(ours, "Trasig lampa", "Lampan kom trasig.")
    other = indexed_case(theirs, "Trasig lampa", "Lampan kom trasig.")
    assert found("lampan", cases_for(alice)) == [own.number]
    assert set(found("lampan")) == {own.number, other.number}


def test_search_keeps_the_callers_filters_and_related_rows():
    shop = ShopFactory()
    alice = AgentFactory(shops=[shop])
    open_case = indexed_case(shop, "Lampa", "Lampan lyser inte.")
    closed = indexed_case(shop, "Lampa", "Lampan lyser inte.")
    services.change_status(closed, "closed")
    queryset = cases_for(alice).exclude(status="closed").select_related("shop", "customer")
    results = list(search_cases(queryset, "lampa"))
    assert [c.number for c in results] == [open_case.number]
    assert results[0].shop.pk == shop.pk
    assert results[0].search_rank > 0


def test_search_narrows_the_agents_queue():
    from kundsvar.cases.queries import queue

    shop, other = ShopFactory(), ShopFactory()
    alice = AgentFactory(shops=[shop])
    lamp = indexed_case(shop, "Trasig lampa", "Lampan kom trasig.")
    indexed_case(shop, "Jacka", "När kommer jackan?")
    indexed_case(other, "Trasig lampa", "Lampan kom trasig.")
    results = list(search_cases(queue(alice, "open"), "lampan")[:50])
    assert [c.number for c in results] == [lamp.number]
