"""K2: Norwegian, Danish and English cases are stemmed in their own language, and an
agent can search them with Swedish words where the stems agree."""

import pytest

from kundsvar.shops.tests.factories import ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


def test_norwegian_definite_plural_finds_the_singular(shop):  # K2
    case = indexed_case(shop, "Levering", "Jeg har ikke fått pakken min.", language="nb")
    assert found("pakkene") == [case.number]
    assert found("pakkene", language="nb") == [case.number]


def test_danish_forms(shop):  # K2
    case = indexed_case(
        shop, "Ombytning", "Kan jeg bytte trøjen til en større størrelse?", language="da"
    )
    assert found("trøjer") == [case.number]
    assert found("størrelser", language="da") == [case.number]


def test_english_forms(shop):  # K2
    case = indexed_case(shop, "Order status", "I ordered two rugs last week.", language="en")
    assert found("ordering rug") == [case.number]
    assert found("orders", language="en") == [case.number]


def test_a_swedish_word_finds_a_norwegian_case(shop):  # K2
    # An agent types Swedish; the Norwegian case says "returnere". Both stem to "return".
    case = indexed_case(shop, "Retur", "Hvordan returnerer jeg en vare?", language="nb")
    assert found("returnerar") == [case.number]


def test_letters_with_diacritics_are_kept_apart(shop):
    case = indexed_case(shop, "Får", "Hur många får jag beställa?")
    indexed_case(shop, "Far", "Min far beställde en present.")
    assert found("får") == [case.number]
