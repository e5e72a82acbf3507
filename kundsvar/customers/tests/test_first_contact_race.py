"""The same new address from two workers at once (a customer's two mails in one burst):
one customer, and no stray customer without an address left behind (A6)."""

import time

import pytest
from django.db import connection, transaction

from kundsvar.core.tests.atonce import at_once
from kundsvar.customers import services
from kundsvar.customers.models import Customer, CustomerEmail
from kundsvar.shops.tests.factories import ShopFactory


@pytest.mark.django_db
def test_an_address_taken_between_lookup_and_insert_gives_the_owner(monkeypatch):
    shop = ShopFactory()
    owner = services.find_or_create_customer(shop, "karin@example.se", "Karin")
    # The other worker committed after this one looked the address up and found nothing.
    monkeypatch.setattr(services, "_customer_by_address", lambda shop_id, address: None)
    with transaction.atomic():  # the intake path's transaction stays usable
        found = services.find_or_create_customer(shop, "Karin@Example.se", "K")
        assert found.pk == owner.pk
        assert Customer.objects.filter(shop=shop).count() == 1
    assert list(CustomerEmail.objects.values_list("address", flat=True)) == ["karin@example.se"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_with_one_new_address_make_one_customer(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: concurrent writers (SQLite has one writer)")
    shop = ShopFactory()
    real = services._customer_by_address

    def slow_lookup(shop_id, address):  # both look before either has inserted
        found = real(shop_id, address)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(services, "_customer_by_address", slow_lookup)

    def first_contact() -> int:
        with transaction.atomic():
            customer = services.find_or_create_customer(shop, "per@example.se", "Per")
            time.sleep(0.05)  # the rest of the message's transaction
        return customer.pk

    ids = at_once(first_contact, 4)
    assert len(set(ids)) == 1
    assert Customer.objects.filter(shop=shop).count() == 1
