"""Rules C4, C5: the buyer writes from another address. Once the order is proven theirs,
the new Customer row made for that address is merged into the buyer: one history."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.matching import match_case
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.customers.models import Customer
from kundsvar.customers.services import add_email, find_or_create_customer, merge_customers
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def buyer(shop):
    return find_or_create_customer(shop, "karin.lindqvist@example.se", "Karin Lindqvist")


def test_a_proven_match_from_another_address_merges_into_the_buyer(shop, buyer):  # C4, C5
    earlier = open_email_case(shop, T0, sender="karin.lindqvist@example.se", subject="Storlek")
    OrderFactory(
        shop=shop,
        customer=buyer,
        number="10234",
        email="karin.lindqvist@example.se",
        postcode="11122",
    )
    case = open_email_case(
        shop,
        T0,
        sender="karin.jobb@firma.se",
        subject="Jacka",
        text="Hej! Ordernr 10234, postnummer 111 22.",
    )
    writer = case.customer_id
    match_case(case, now=T0)
    case.refresh_from_db()
    assert case.customer_id == buyer.pk
    assert not Customer.objects.filter(pk=writer).exists()
    assert set(buyer.emails.values_list("address", flat=True)) == {
        "karin.lindqvist@example.se",
        "karin.jobb@firma.se",
    }
    assert set(buyer.cases.values_list("pk", flat=True)) == {earlier.pk, case.pk}


def test_an_unproven_match_merges_nobody(shop, buyer):  # C4: a number alone proves nothing
    OrderFactory(shop=shop, customer=buyer, number="10234", email="karin.lindqvist@example.se")
    case = open_email_case(shop, T0, sender="someone@else.se", subject="Order 10234")
    match_case(case, now=T0)
    case.refresh_from_db()
    assert case.customer_id != buyer.pk
    assert Customer.objects.count() == 2


def test_a_writer_with_orders_of_their_own_is_not_merged(shop, buyer):  # two people
    case = open_email_case(
        shop,
        T0,
        sender="partner@example.se",
        subject="Jacka",
        text="Gäller order 10234 till postnummer 111 22.",
    )
    OrderFactory(shop=shop, customer=case.customer, number="20000", email="partner@example.se")
    OrderFactory(
        shop=shop,
        customer=buyer,
        number="10234",
        email="karin.lindqvist@example.se",
        postcode="11122",
    )
    match_case(case, now=T0)
    case.refresh_from_db()
    assert case.customer_id != buyer.pk
    assert Customer.objects.count() == 2


def test_merge_moves_addresses_phones_and_refuses_other_shops(shop, buyer):
    other = find_or_create_customer(shop, "karin@jobb.se", "")
    add_email(other, "karin.privat@example.se")
    merge_customers(other, buyer)
    assert buyer.emails.count() == 3
    with pytest.raises(ValueError):
        merge_customers(buyer, find_or_create_customer(ShopFactory(), "x@example.se"))
