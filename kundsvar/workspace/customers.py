"""The customer list with its search box, and a customer's profile page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kundsvar.cases import queries
from kundsvar.cases.models import Case
from kundsvar.commerce.models import Order
from kundsvar.core.phones import international
from kundsvar.customers import services
from kundsvar.customers.models import (
    Customer,
    CustomerEmail,
    CustomerEvent,
    CustomerPhone,
    search_key,
)
from kundsvar.shops.models import Shop

PAGE_SIZE = 50


def _customers(agent) -> QuerySet[Customer]:
    if agent.is_superuser:
        return Customer.objects.all()
    return Customer.objects.filter(shop_id__in=queries.shop_ids(agent))


def search(agent, q: str) -> list[Customer]:
    """Newest first, at most a page: a name (its start, or its last name's), the start of
    an address, a phone number, an order or case number.

    Every kind is an indexed prefix range on a normalised column (Customer.name_key and
    surname_key, LOWER(address) of the addresses' unique index, CustomerPhone.normalized)
    with a LIMIT: a fixed number of index reads, never a LIKE '%…%' over every customer.
    Not the full-text backend: it indexes cases, and what agents type here are starts of
    names and addresses, which a B-tree answers directly on both databases."""
    mine = _customers(agent)
    q = q.strip()[:200]
    if not q:
        return list(mine.order_by("-id")[:PAGE_SIZE])
    found: dict[int, None] = {}
    compact = q.replace(" ", "").replace("-", "").lstrip("+#")
    if compact.isdigit():
        numbers = [c for c in _phone_forms(agent, q) if len(c) >= 6]
        cases = Case.objects.filter(number=int(compact)).values("customer_id")
        orders = Order.objects.filter(number=compact).values("customer_id")
        phones = CustomerPhone.objects.filter(
            _starts(F("normalized"), numbers) if numbers else Q(pk__in=[])
        ).values("customer_id")
        ids = mine.filter(Q(pk__in=cases) | Q(pk__in=orders) | Q(pk__in=phones)).values_list(
            "pk", flat=True
        )
        found.update(dict.fromkeys(ids[:PAGE_SIZE]))
    else:
        key = search_key(q)
        if " " not in key:  # one word: the start of an address too
            # By the address's own shop (the same as its customer's), so that the planner
            # reads the LOWER(address) index range, not every address of every customer
            # of the agent's shops (1M cases: 333,000 customers).
            addresses = CustomerEmail.objects.filter(_starts(Lower("address"), [key]))
            if not agent.is_superuser:
                addresses = addresses.filter(shop_id__in=queries.shop_ids(agent))
            rows = addresses.order_by("-id").values_list("customer_id", flat=True)
            found.update(dict.fromkeys(rows[:PAGE_SIZE]))
        if "@" not in key:
            rows = _named(mine, key).order_by("-id").values_list("pk", flat=True)
            found.update(dict.fromkeys(rows[: PAGE_SIZE - len(found)]))
    by_id = Customer.objects.in_bulk(list(found))
    rows = [by_id[pk] for pk in found if pk in by_id]
    _with_emails(rows)
    return rows


def _named(mine: QuerySet[Customer], key: str) -> QuerySet[Customer]:
    """Every word starts a word of the name, in any order ("lindqvist kar"). The index
    ranges of the whole text and of the longest word find the candidates; the other
    words are checked on those rows only."""
    words = key.split()[:5]
    lead = max(words, key=len)
    starts = [key] if lead == key else [key, lead]  # one word: each range read once
    named = mine.filter(_starts(F("name_key"), starts) | _starts(F("surname_key"), starts))
    for word in words:
        named = named.filter(Q(name_key__startswith=word) | Q(name_key__contains=f" {word}"))
    return named


def _starts(column, prefixes: list[str]) -> Q:
    """`column` starts with one of `prefixes`, as a range an index answers on both
    databases (SQLite does not use an index for its case-insensitive LIKE)."""
    condition = Q()
    for prefix in prefixes:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        condition |= Q(GreaterThanOrEqual(column, prefix), LessThan(column, upper))
    return condition


def _phone_forms(agent, q: str) -> list[str]:
    """A number as the agent typed it and in international digits for their shops'
    countries ("070-123 45 67" → "46701234567")."""
    countries = (
        set(Shop.objects.filter(pk__in=queries.shop_ids(agent)).values_list("country", flat=True))
        if not agent.is_superuser
        else {"SE"}
    )
    forms = {international(q, country) for country in countries or {""}}
    forms.add("".join(ch for ch in q if ch.isdigit()))
    return sorted(forms | {f"+{f}" for f in forms})  # numbers stored as typed with "+"


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
            "history": CustomerEvent.objects.filter(customer_id=customer.pk)
            .select_related("actor")
            .order_by("-created_at")[:20],
        },
    )


def _customer(request, pk: int) -> Customer:
    return get_object_or_404(_customers(request.user).select_related("shop"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """The customer's name, addresses and phone numbers, corrected by an agent."""
    customer = _customer(request, pk)
    emails = "\n".join(customer.emails.values_list("address", flat=True))
    phones = "\n".join(customer.phones.values_list("number", flat=True))
    values = {"name": customer.name, "emails": emails, "phones": phones}
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "")[:4000] for k in values}
        try:
            details = services.parse_contact(values["name"], values["emails"], values["phones"])
            services.update_contact(customer, details, actor=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("customers:profile", pk=customer.pk)
    return render(
        request,
        "customers/edit.html",
        {"customer": customer, "values": values, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request, pk: int):
    """Two customers who are one person: the agent picks the other one and which of the
    two stays, sees what moves, and confirms. Nothing is merged without the confirmation.
    From the profile page's dialog (htmx) only the dialog's content is answered; the
    confirmation itself is an ordinary POST that goes to the kept customer's page."""
    customer = _customer(request, pk)
    params = request.POST if request.method == "POST" else request.GET
    other_id = params.get("other", "")
    other = (
        _customers(request.user).filter(pk=other_id, shop_id=customer.shop_id).first()
        if other_id.isdigit() and int(other_id) != customer.pk
        else None
    )
    if other is None:
        candidates = [c for c in search(request.user, params.get("q", "")) if c.pk != customer.pk]
        candidates = [c for c in candidates if c.shop_id == customer.shop_id]
        return render(
            request,
            "customers/_merge_pick.html" if request.htmx else "customers/merge_pick.html",
            {"customer": customer, "candidates": candidates, "q": params.get("q", "")},
        )
    keep = other if params.get("keep") == str(other.pk) else customer
    gone = customer if keep is other else other
    if request.method == "POST" and params.get("confirm"):
        services.merge_customers(gone, keep, actor=request.user)
        messages.success(request, _("The two customers are now one."))
        return redirect("customers:profile", pk=keep.pk)
    return render(
        request,
        "customers/_merge_confirm.html" if request.htmx else "customers/merge_confirm.html",
        {
            "customer": customer,
            "other": other,
            "keep": keep,
            "gone": gone,
            "moving": services.merge_preview(gone),
            "in_dialog": bool(request.htmx),
        },
    )
