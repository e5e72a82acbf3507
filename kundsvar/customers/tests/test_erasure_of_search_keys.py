"""Erasing a customer (GDPR) leaves nothing of them in the search keys or in the audit
records of edits and merges (issue 16 added both)."""

import pytest

from kundsvar.customers.models import Customer, CustomerEvent
from kundsvar.customers.services import (
    find_or_create_customer,
    merge_customers,
    parse_contact,
    update_contact,
)
from kundsvar.ops import gdpr
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


def test_erasure_clears_search_keys_and_audit_records():
    shop = ShopFactory()
    karin = find_or_create_customer(shop, "karin@example.se", "Karin Berg")
    other = find_or_create_customer(shop, "kb@jobb.se", "K Berg")
    update_contact(karin, parse_contact("Karin Lind", "karin@example.se", ""), actor=None)
    merge_customers(other, karin)
    assert CustomerEvent.objects.count() == 3
    gdpr.erase(Customer.objects.get(pk=karin.pk))
    karin.refresh_from_db()
    assert "karin" not in karin.name_key and "lind" not in karin.surname_key
    assert not CustomerEvent.objects.exists()
