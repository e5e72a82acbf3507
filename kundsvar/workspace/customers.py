"""The customer list with its search box, and a customer's profile page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, render

from kundsvar.cases import queries
from kundsvar.cases.models import Case
from kundsvar.commerce.models import Order
from kundsvar.customers.models import Customer, CustomerEmail, CustomerPhone

PAGE_SIZE = 50


def _customers(agent) -> QuerySet[Customer]:
    if agent.is_superuser:
        return Customer.objects.all()
    return Customer.objects.filter(shop_id__in=queries.shop_ids(agent))


def search(agent, q: str) -> list[Customer]:
    """Newest first, at most a page: a name (every word in it), part of an address, a
    phone number, an order or case number. Each kind is read newest-first with a LIMIT,
    so a common name stops after a page of rows instead of reading every customer."""
    mine = _customers(agent)
    q = q.strip()[:200]
    if not q:
        return list(mine.order_by("-id")[:PAGE_SIZE])
    found: dict[int, None] = {}
    compact = q.replace(" ", "").replace("-", "").lstrip("+#")
    if compact.isdigit():
        cases = Case.objects.filter(number=int(compact)).values("customer_id")
        orders = Order.objects.filter(number=compact).values("customer_id")
        phones = CustomerPhone.objects.filter(normalized__endswith=compact[-9:]).values(
            "customer_id"
        )
        ids = mine.filter(Q(pk__in=cases) | Q(pk__in=orders) | Q(pk__in=phones)).values_list(
            "pk", flat=True
        )
        found.update(dict.fromkeys(ids[:PAGE_SIZE]))
    else:
        if " " not in q:  # one word: part of an address too
            rows = (
                CustomerEmail.objects.filter(address__icontains=q, customer__in=mine)
                .order_by("-id")
                .values_list("customer_id", flat=True)
            )
            found.update(dict.fromkeys(rows[:PAGE_SIZE]))
        if "@" not in q:
            named = mine
            for word in q.split()[:5]:
                named = named.filter(name__icontains=word)
            rows = named.order_by("-id").values_list("pk", flat=True)
            found.update(dict.fromkeys(rows[: PAGE_SIZE - len(found)]))
    by_id = Customer.objects.in_bulk(list(found))
    rows = [by_id[pk] for pk in found if pk in by_id]
    _with_emails(rows)
    return rows


def _with_emails(customers: list[Customer]) -> None:
    """The addresses of a page of customers in one query (no prefetch over a subquery)."""
    addresses: dict[int, list[str]] = {}
    for customer_id, address in CustomerEmail.objects.filter(
        customer_id__in=[c.pk for c in customers]
    ).values_list("customer_id", "address"):
        addresses.setdefault(customer_id, []).append(address)
    for customer in customers:
        customer.addresses = addresses.get(customer.pk, [])


@login_required
def customer_list(request):
    q = request.GET.get("q", "")
    return render(
        request,
        "customers/list.html",
        {"customers": search(request.user, q), "q": q.strip()[:200]},
    )


@login_required
def profile(request, pk: int):
    customer = get_object_or_404(_customers(request.user).select_related("shop"), pk=pk)
    cases = list(
        queries.cases_for(request.user)
        .filter(customer=customer)
        .select_related("assignee")
        .order_by("-received_at")[:100]
    )
    orders = list(Order.objects.filter(customer=customer).order_by("-placed_at")[:20])
    rated = [c.satisfaction for c in cases if c.satisfaction is not None]
    return render(
        request,
        "customers/profile.html",
        {
            "customer": customer,
            "emails": list(customer.emails.all()),
            "phones": list(customer.phones.all()),
            "cases": cases,
            "orders": orders,
            "rated_good": sum(1 for s in rated if s > 0),
            "rated": len(rated),
        },
    )
