"""A customer who writes by SMS or on a messaging platform is found again by their number
or platform id, so every channel adds to one history (C5)."""

import pytest

from kundsvar.customers.models import Customer, HandleKind
from kundsvar.customers.services import (
    add_handle,
    find_or_create_by_handle,
    find_or_create_by_phone,
    find_or_create_customer,
    merge_customers,
)
from kundsvar.shops.tests.factories import ShopFactory


@pytest.mark.django_db
def test_a_number_written_two_ways_is_one_customer():
    shop = ShopFactory(country="SE")
    first = find_or_create_by_phone(shop, "+46 70 123 45 67", name="Anna")
    again = find_or_create_by_phone(shop, "070-123 45 67")
    assert again == first and again.name == "Anna"
    assert find_or_create_by_phone(ShopFactory(), "+46701234567") != first  # another shop


@pytest.mark.django_db
def test_a_platform_id_is_one_customer_per_shop_and_kind():
    shop = ShopFactory()
    customer = find_or_create_by_handle(shop, HandleKind.MESSENGER, "6542187432", name="Per")
    assert find_or_create_by_handle(shop, HandleKind.MESSENGER, "6542187432") == customer
    assert find_or_create_by_handle(shop, HandleKind.INSTAGRAM, "6542187432") != customer
    assert Customer.objects.filter(shop=shop).count() == 2


@pytest.mark.django_db
def test_merging_brings_the_platform_id_to_the_email_customer():
    shop = ShopFactory()
    by_mail = find_or_create_customer(shop, "per@example.se")
    on_messenger = find_or_create_by_handle(shop, HandleKind.MESSENGER, "6542187432")
    merge_customers(on_messenger, by_mail)
    assert find_or_create_by_handle(shop, HandleKind.MESSENGER, "6542187432") == by_mail
    assert add_handle(by_mail, HandleKind.WHATSAPP, "46701234567").customer == by_mail
