"""A word in very many cases (issue 16: "paketet" is in two cases of three) ranks only
the newest RANKED of the agent's matches: ranking every match costs a second at a million
cases. Below that, every match takes part, best first."""

import pytest

from kundsvar.cases.queries import cases_for
from kundsvar.search import queries
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db


def test_a_common_word_ranks_the_newest_matches_best_first(monkeypatch):
    shop = ShopFactory()
    cases = [
        indexed_case(shop, "Paketet" if i == 0 else "Fråga", f"Var är paketet? Fråga {i}.")
        for i in range(5)
    ]
    numbers = [c.number for c in cases]
    # Every match: the one with the word in its subject first, then newest first.
    assert found("paketet") == [numbers[0], numbers[4], numbers[3], numbers[2], numbers[1]]
    monkeypatch.setattr(queries, "RANKED", 3)
    assert found("paketet") == [numbers[4], numbers[3], numbers[2]]
    # A rarer word in an older case is still found whole.
    assert found("fråga 1") == [numbers[1]]


def test_the_newest_are_counted_among_the_agents_cases_only(monkeypatch):
    shop, other = ShopFactory(), ShopFactory(slug="annan")
    agent = AgentFactory(shops=[shop])
    mine = [indexed_case(shop, "Fråga", "Var är paketet?") for _ in range(3)]
    for _ in range(3):  # newer, in a shop the agent does not work for
        indexed_case(other, "Fråga", "Var är paketet?")
    monkeypatch.setattr(queries, "RANKED", 2)
    assert found("paketet", cases_for(agent)) == [mine[2].number, mine[1].number]
