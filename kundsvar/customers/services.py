import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.core.inserts import insert
from kundsvar.core.phones import international

from .models import (
    Customer,
    CustomerEmail,
    CustomerEvent,
    CustomerEventKind,
    CustomerHandle,
    CustomerPhone,
)

if TYPE_CHECKING:
    from kundsvar.accounts.models import Agent
    from kundsvar.shops.models import Shop


def normalize_email(address: str) -> str:
    return address.strip().lower()


def find_or_create_customer(
    shop: "Shop", address: str, name: str = "", language: str = ""
) -> Customer:
    """The shop's customer who owns this address, created on first contact."""
    address = normalize_email(address)[:254]
    name = name[:200]
    customer = _customer_by_address(shop.pk, address)
    if customer is not None:
        # Known from an order, say: what they tell us now fills what we did not know.
        known = {"name": name, "language": language}
        fields = [field for field, value in known.items() if value and not getattr(customer, field)]
        for field in fields:
            setattr(customer, field, known[field])
        if fields:
            customer.save(update_fields=fields)
        return customer
    # Both rows, or neither; no savepoint inside the caller's transaction (the intake
    # path's): a taken address is not an error to roll back to, ON CONFLICT skips it.
    with transaction.atomic(savepoint=False):
        customer = Customer(shop=shop, name=name, language=language)
        customer.set_search_keys()
        insert(customer)
        owned = CustomerEmail(customer=customer, shop=shop, address=address)
        if insert(owned, skip_conflicts=True):
            return customer
        # Another worker created the same address a moment ago: use theirs.
        Customer.objects.filter(pk=customer.pk).delete()
        return CustomerEmail.objects.get(_address_is(address), shop=shop).customer


@functools.cache
def _by_address_sql() -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    fields = [f for f in Customer._meta.concrete_fields if f.column]  # every one has one
    columns = ", ".join(f"c.{quote(f.column)}" for f in fields if f.column)
    emails, customers = CustomerEmail._meta.db_table, Customer._meta.db_table
    sql = (
        f"SELECT {columns} FROM {quote(emails)} e "  # noqa: S608 — names from the models
        f"INNER JOIN {quote(customers)} c ON c.id = e.customer_id "
        "WHERE LOWER(e.address) = %s AND e.shop_id = %s"
    )
    return sql, [f.attname for f in fields]


def _customer_by_address(shop_id: int, address: str) -> Customer | None:
    """The shop's customer with this address (lower case), by the unique index on
    (LOWER(address), shop). A fixed statement: this runs for every message that comes
    in, and the ORM spent more compiling the join than the database answering it."""
    sql, names = _by_address_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [address.lower(), shop_id])
        row = cursor.fetchone()
    return Customer.from_db(connection.alias, names, row) if row else None


def _address_is(address: str) -> Exact:
    """LOWER(address) = the lower-case address: the unique index on (LOWER(address), shop)
    answers it. `address__iexact` (LIKE on SQLite) read every address of the shop for
    each message that came in."""
    return Exact(Lower("address"), address.lower())


def set_customer_language(customer: Customer, language: str) -> None:
    """The language the customer writes in, as an agent has set it on one of their cases."""
    if customer.language != language:
        customer.language = language
        customer.save(update_fields=["language"])


def add_email(customer: Customer, address: str) -> CustomerEmail:
    """Another address of the same customer (they write from work and from home)."""
    row, _ = CustomerEmail.objects.get_or_create(
        shop=customer.shop, address=normalize_email(address), defaults={"customer": customer}
    )
    return row


def add_phone(customer: Customer, number: str, country: str = "") -> CustomerPhone | None:
    """A phone number the customer gave (on an order, say), kept in international digits
    so "070-123 45 67" and "+46 70 123 45 67" are one number. Too short to be one: None."""
    normalized = international(number, country)
    if len(normalized) < 6:
        return None
    row, _ = CustomerPhone.objects.get_or_create(
        customer=customer, normalized=normalized, defaults={"number": number.strip()[:40]}
    )
    return row


def find_or_create_by_phone(
    shop: "Shop", number: str, *, name: str = "", country: str = ""
) -> Customer:
    """The shop's customer with this phone number (an SMS, a call, a callback request),
    created on first contact. Several customers may share a number (a family): the one
    it was added to last wins; an agent can merge or move the case."""
    normalized = international(number, country or shop.country)
    existing = (
        CustomerPhone.objects.select_related("customer")
        .filter(customer__shop=shop, normalized=normalized)
        .order_by("-pk")
        .first()
        if len(normalized) >= 6
        else None
    )
    if existing:
        customer = existing.customer
        if name and not customer.name:
            customer.name = name[:200]
            customer.save(update_fields=["name"])
        return customer
    with transaction.atomic():
        customer = Customer.objects.create(shop=shop, name=name[:200])
        add_phone(customer, number, country or shop.country)
    return customer


def find_or_create_by_handle(shop: "Shop", kind: str, value: str, *, name: str = "") -> Customer:
    """The shop's customer known on a messaging platform by `value` (a Messenger PSID,
    an Instagram id, a WhatsApp number), created on first contact."""
    value = value.strip()[:100]
    existing = CustomerHandle.objects.select_related("customer").filter(
        shop=shop, kind=kind, value=value
    )
    handle = existing.first()
    if handle is None:
        try:
            with transaction.atomic():
                customer = Customer.objects.create(shop=shop, name=name[:200])
                return CustomerHandle.objects.create(
                    customer=customer, shop=shop, kind=kind, value=value, name=name[:200]
                ).customer
        except IntegrityError:
            handle = existing.get()  # another worker created it a moment ago
    customer = handle.customer
    if name and not customer.name:
        customer.name = name[:200]
        customer.save(update_fields=["name"])
    return customer


def add_handle(customer: Customer, kind: str, value: str) -> CustomerHandle:
    """Link a platform id to a customer already known (an agent saw it is the same person)."""
    row, _ = CustomerHandle.objects.get_or_create(
        shop=customer.shop, kind=kind, value=value.strip()[:100], defaults={"customer": customer}
    )
    return row


def _moving(source: Customer) -> dict[str, int]:
    """How many rows point at `source`, by what they are ("cases", "orders", "emails",
    "phones", "handles", …): what a merge moves. One COUNT per kind of row."""
    counts = {}
    for relation in Customer._meta.related_objects:
        if relation.one_to_many and relation.field.model is not Customer:
            n = relation.related_model._base_manager.filter(**{relation.field.name: source}).count()
            if n:
                counts[relation.get_accessor_name() or relation.name] = n
    return counts


def merge_preview(source: Customer) -> list[tuple[str, int]]:
    """For the confirmation: what moves from `source` to the customer who stays, as
    (what, how many) in words: cases, orders, email addresses, handles, …"""
    names = {
        relation.get_accessor_name(): relation.related_model._meta.verbose_name_plural
        for relation in Customer._meta.related_objects
    }
    names.update(
        cases=_("cases"),
        orders=_("orders"),
        emails=_("email addresses"),
        phones=_("phone numbers"),
        handles=_("messaging accounts"),
    )
    return [(str(names.get(key, key)), n) for key, n in _moving(source).items()]


@transaction.atomic
def merge_customers(
    source: Customer, target: Customer, *, actor: "Agent | None" = None
) -> Customer:
    """One person known under two Customer rows (they wrote from work, ordered from home):
    everything that points at `source` — addresses, phones, cases, orders — moves to
    `target`, and `source` is deleted (rule C5: one customer history). Both customers'
    audit trails record it (the source's record stays after the row is gone)."""
    if source.pk == target.pk or source.shop_id != target.shop_id:
        raise ValueError("merge needs two customers of the same shop")
    moved = _moving(source)
    now = timezone.now()
    CustomerEvent.objects.bulk_create(
        [
            _event(
                target,
                CustomerEventKind.MERGED_FROM,
                actor,
                now,
                customer=source.pk,
                name=source.name,
                moved=moved,
            ),
            _event(
                source,
                CustomerEventKind.MERGED_INTO,
                actor,
                now,
                customer=target.pk,
                name=target.name,
                moved=moved,
            ),
        ]
    )
    known_phones = set(target.phones.values_list("normalized", flat=True))
    source.phones.filter(normalized__in=known_phones).delete()
    for relation in Customer._meta.related_objects:
        if relation.one_to_many and relation.field.model is not Customer:
            relation.related_model._base_manager.filter(**{relation.field.name: source}).update(
                **{relation.field.name: target}
            )
    fields = [
        name for name in ("name", "language") if not getattr(target, name) and getattr(source, name)
    ]
    for name in fields:
        setattr(target, name, getattr(source, name))
    if fields:
        target.save(update_fields=fields)
    source.delete()
    return target


@dataclass
class ContactDetails:
    name: str
    emails: list[str]
    phones: list[str]


def parse_contact(name: str, emails_text: str, phones_text: str) -> ContactDetails:
    """The edit form's three fields: a name, addresses and numbers one per line (or
    comma-separated). Raises ValidationError naming what is wrong."""
    emails: list[str] = []
    for part in emails_text.replace(",", "\n").split():
        address = normalize_email(part)
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not an email address."), params={"address": part}
            ) from None
        if address not in emails:
            emails.append(address)
    phones = [p.strip() for p in phones_text.replace(",", "\n").splitlines() if p.strip()]
    for number in phones:
        if len(international(number)) < 6:
            raise ValidationError(
                _("“%(number)s” is not a phone number."), params={"number": number}
            )
    return ContactDetails(name=" ".join(name.split())[:200], emails=emails, phones=phones)


@transaction.atomic
def update_contact(
    customer: Customer, details: ContactDetails, *, actor: "Agent | None"
) -> Customer:
    """An agent corrects a customer's name, addresses and phone numbers. An address that
    belongs to another customer of the shop is refused (that is a merge, not an edit)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    taken = (
        CustomerEmail.objects.filter(shop_id=customer.shop_id)
        .exclude(customer=customer)
        .alias(lower=Lower("address"))
        .filter(lower__in=details.emails)
        .values_list("address", flat=True)
    )
    if taken:
        raise ValidationError(
            _("%(addresses)s belongs to another customer: merge the two customers instead."),
            params={"addresses": ", ".join(taken)},
        )
    before = _contact(customer)
    if customer.name != details.name:
        customer.name = details.name
        customer.save(update_fields=["name"])
    customer.emails.exclude(address__in=details.emails).delete()
    for address in details.emails:
        add_email(customer, address)
    country = customer.shop.country
    keep = {international(n, country) for n in details.phones}
    customer.phones.exclude(normalized__in=keep).delete()
    for number in details.phones:
        add_phone(customer, number, country)
    after = _contact(customer)
    if after != before:
        _event(
            customer, CustomerEventKind.EDITED, actor, timezone.now(), before=before, after=after
        ).save()
    return customer


def _event(
    who: Customer, kind: str, actor: "Agent | None", at: datetime, **data: object
) -> CustomerEvent:
    return CustomerEvent(
        customer_id=who.pk,
        shop_id=who.shop_id,
        kind=kind,
        actor=actor,
        data=data,
        created_at=at,
    )


def _contact(customer: Customer) -> dict:
    return {
        "name": customer.name,
        "emails": sorted(customer.emails.values_list("address", flat=True)),
        "phones": sorted(customer.phones.values_list("normalized", flat=True)),
    }


def forget_customer_events(customer: Customer) -> int:
    """Erasure (GDPR): the customer's audit records, and the records of customers merged
    with them that name them."""
    mine = CustomerEvent.objects.filter(customer_id=customer.pk)
    naming = CustomerEvent.objects.filter(data__customer=customer.pk)
    return mine.delete()[0] + naming.delete()[0]
