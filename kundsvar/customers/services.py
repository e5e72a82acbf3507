from django.db import IntegrityError, transaction

from .models import Customer, CustomerEmail


def normalize_email(address: str) -> str:
    return address.strip().lower()


def find_or_create_customer(shop, address: str, name: str = "", language: str = "") -> Customer:
    """The shop's customer who owns this address, created on first contact."""
    address = normalize_email(address)[:254]
    name = name[:200]
    existing = (CustomerEmail.objects.select_related("customer")
                .filter(shop=shop, address__iexact=address).first())
    if existing:
        customer = existing.customer
        if name and not customer.name:
            customer.name = name
            customer.save(update_fields=["name"])
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(shop=shop, name=name, language=language)
            CustomerEmail.objects.create(customer=customer, shop=shop, address=address)
            return customer
    except IntegrityError:
        # Another worker created the same address a moment ago: use theirs.
        return CustomerEmail.objects.get(shop=shop, address__iexact=address).customer


def add_email(customer: Customer, address: str) -> CustomerEmail:
    """Another address of the same customer (they write from work and from home)."""
    row, _ = CustomerEmail.objects.get_or_create(
        shop=customer.shop, address=normalize_email(address), defaults={"customer": customer})
    return row
