"""Search everywhere (issue 16): one box that finds cases in every view (closed ones
too), customers, orders by number and the shops' FAQ articles, each in its own group.

Each group is the query its own page uses — `search_cases` (the full-text index with
Swedish stemming, rule K2), the customer list's indexed prefix search, an order's
number, the knowledge base's ranking — with a small LIMIT: a fixed number of queries
whatever the database holds."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kundsvar.cases import queries
from kundsvar.commerce.models import Order
from kundsvar.knowledge.queries import rank
from kundsvar.search.queries import search_cases
from kundsvar.shops.models import Shop

from .customers import search as search_customers

CASES = 20
CUSTOMERS = 10
ORDERS = 10
ARTICLES = 5
SHOPS = 5  # FAQ articles of at most this many of the agent's shops


def everything(agent, q: str) -> dict:
    q = q.strip()[:200]
    if not q:
        return {"cases": [], "customers": [], "orders": [], "articles": []}
    mine = queries.cases_for(agent)
    number = q.lstrip("#").replace(" ", "")
    cases = list(mine.filter(number=int(number))) if number.isdigit() and len(number) < 12 else []
    cases += [
        c
        for c in search_cases(mine, q).select_related("customer", "assignee")[:CASES]
        if c not in cases
    ]
    shops = (
        Shop.objects.all()
        if agent.is_superuser
        else Shop.objects.filter(pk__in=queries.shop_ids(agent))
    )
    orders = (
        list(
            Order.objects.filter(shop__in=shops, number=number)
            .select_related("customer")
            .order_by("-placed_at")[:ORDERS]
        )
        if number
        else []
    )
    articles = [
        (shop, hit.article)
        for shop in shops.order_by("name")[:SHOPS]
        for hit in rank(shop, q, None, ARTICLES, fallback=False)
    ]
    return {
        "cases": cases[:CASES],
        "customers": search_customers(agent, q)[:CUSTOMERS],
        "orders": orders,
        "articles": articles,
    }


@login_required
def search(request):
    q = request.GET.get("q", "").strip()[:200]
    found = everything(request.user, q)
    return render(
        request,
        "search/results.html",
        {"q": q, **found, "nothing": q and not any(found.values())},
    )
