"""C4: customers and agents look cases up by case number, order or tracking number."""

import pytest

from kundsvar.shops.tests.factories import ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db


def test_a_case_number_alone_finds_the_case():
    shop = ShopFactory()
    case = indexed_case(shop, "Fråga", "Hej")
    indexed_case(shop, "Fråga", "Hej igen")
    assert found(str(case.number)) == [case.number]
    assert found(f"#{case.number}") == [case.number]


def test_order_and_tracking_numbers_are_exact_tokens():  # C4
    shop = ShopFactory()
    case = indexed_case(shop, "Leverans", "Order 100231, kollinummer 00370730253871234567.")
    indexed_case(shop, "Leverans", "Order 100232.")
    assert found("100231") == [case.number]
    assert found("00370730253871234567") == [case.number]
    assert found("10023") == []  # not a prefix unless asked
    assert set(found("10023*")) == {case.number, case.number + 1}


def test_codes_with_letters_and_digits_are_not_stemmed():
    case = indexed_case(ShopFactory(), "Rabattkod", "Koden VINTER20 ger ingen rabatt.")
    assert found("vinter20") == [case.number]
    assert found("vinter") == []


def test_a_personal_number_is_never_findable():  # C3
    shop = ShopFactory()
    case = indexed_case(shop, "Faktura", "Mitt personnummer är 19121212-1212.")
    assert found("191212") == []
    assert found("19121212 1212") == []
    assert found("faktura") == [case.number]
