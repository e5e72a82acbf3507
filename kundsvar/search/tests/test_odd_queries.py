"""Whatever an agent types, search answers; FTS5 and tsquery syntax is never passed on."""

import pytest

from kundsvar.cases.models import Case
from kundsvar.search.queries import search_cases
from kundsvar.shops.tests.factories import ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db

ODD = [
    "",
    "   ",
    "*",
    '"',
    '""',
    "'",
    "AND",
    "OR",
    "NOT",
    "jacka AND",
    "OR jacka",
    "jacka OR",
    "NEAR(",
    "NEAR(jacka paket, 2)",
    "jacka:*",
    "heading: jacka",
    "body:jacka",
    "-jacka",
    "(jacka",
    "jacka)",
    "jacka & paket | !x",
    "'jacka'",
    '"jacka',
    "^jacka",
    "jacka^",
    "{heading body}: jacka",
    "\\",
    "%",
    "_",
    "jacka%",
    "\x00",
    "😀",
    "<->",
    "a" * 500,
    "ö" * 70,
    "1" * 40,
    "jacka*" * 20,
    "* * *",
    "'; DROP TABLE search_fts; --",
]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_raise(query):
    indexed_case(ShopFactory(), "Jacka", "Jackan kom i ett paket.")
    list(search_cases(Case.objects.all(), query))


def test_a_query_without_words_matches_nothing():
    indexed_case(ShopFactory(), "Jacka", "Jackan kom.")
    for query in ["", "  ", "*", '"', "AND", "OR", "-", "&|!", "😀"]:
        assert found(query) == []


def test_operators_are_plain_words_and_punctuation_is_ignored():
    case = indexed_case(ShopFactory(), "Jacka", "Jackan kom i ett paket.")
    assert found('"jackan"') == [case.number]
    assert found("jacka, paket!") == [case.number]
    assert found("(jacka)") == [case.number]
    assert found("NEAR(jacka paket)") == []  # "near" is searched as a word
    assert found("jacka AND paket") == [case.number]
