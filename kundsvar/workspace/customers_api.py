"""Customers over the JSON API: the customers of the shops the token's agent works for."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from ninja import Query, Router, Schema
from pydantic import Field

from kundsvar.api import Limit, Offset, Page, Slug, Text, api, errors, reject_unknown_query
from kundsvar.customers.models import Customer, CustomerEmail

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    shop: str = Field(description="The shop's short name (slug).")
    name: str
    language: str
    emails: list[str]
    created_at: datetime


class CustomerPage(Page):
    items: list[CustomerOut]


class CustomerFilters(Schema):
    shop: Slug | None = None
    q: Text | None = Field(None, max_length=200, description="Part of a name or an address.")
    limit: Limit = 50
    offset: Offset = 0


@router.get("", response={200: CustomerPage, **errors(422)}, summary="List customers")
def list_customers(request, filters: Query[CustomerFilters]):
    reject_unknown_query(request, CustomerFilters)
    qs = _customers(request.auth, filters)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_customer(customer) for customer in page],
    }


def _customers(agent, filters: CustomerFilters) -> QuerySet[Customer]:
    qs = Customer.objects.select_related("shop").prefetch_related("emails")
    if not agent.is_superuser:
        qs = qs.filter(shop__memberships__agent=agent)
    if filters.shop:
        qs = qs.filter(shop__slug=filters.shop)
    q = (filters.q or "").strip()
    if q:
        address = CustomerEmail.objects.filter(customer=OuterRef("pk"), address__icontains=q)
        qs = qs.filter(Q(name__icontains=q) | Q(Exists(address)))
    return qs.order_by("-created_at", "-id")


def _customer(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "shop": customer.shop.slug,
        "name": customer.name,
        "language": customer.language,
        "emails": [row.address for row in customer.emails.all()],
        "created_at": customer.created_at,
    }


api.add_router("/customers", router)
