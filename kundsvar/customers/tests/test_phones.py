"""Rule C4: a customer's phone numbers are kept one way, so an order's phone finds them."""

import pytest

from kundsvar.customers.services import add_phone, find_or_create_customer
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


def test_one_number_in_two_spellings_is_kept_once():  # C4
    customer = find_or_create_customer(ShopFactory(), "karin@example.se", "Karin")
    first = add_phone(customer, "070-123 45 67", "SE")
    again = add_phone(customer, "+46 70 123 45 67", "")
    assert first.pk == again.pk and first.normalized == "46701234567"
    assert first.number == "070-123 45 67"  # as the customer wrote it
    assert add_phone(customer, "112", "SE") is None  # not a phone number
    assert customer.phones.count() == 1
