"""An agent's saved queue views: the current filters under a name, in the sidebar with
a count. The count is read live and bounded: at most COUNT_CAP rows of the same indexed
queue query the view itself runs, so ten saved views cost ten small queries."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.cases import queries
from kundsvar.search.queries import search_cases

from . import services
from .models import SavedView

KEYS = ("view", "q", "channel", "language", "assignee", "tag", "team", "shop")
MAX_VIEWS = 10
COUNT_CAP = 100


def clean_query(raw: str) -> str:
    """Only the queue's own filters, in a fixed order (no paging, no report links)."""
    params = QueryDict(raw)
    kept = [(k, params.get(k, "")[:200]) for k in KEYS if params.get(k, "").strip()]
    return urlencode(kept)


def count(agent, query: str) -> int:
    params = QueryDict(query)
    view = params.get("view", "open")
    view = view if view in queries.VIEWS else "open"
    qs = queries.queue(agent, view, queries.Filters.from_query(params))
    if params.get("q", "").strip():
        qs = search_cases(qs, params["q"].strip()[:200], params.get("language") or None)
    return qs.order_by()[:COUNT_CAP].count()


def sidebar(agent) -> list[dict]:
    return [
        {"view": v, "query": v.query, "count": count(agent, v.query), "cap": COUNT_CAP}
        for v in SavedView.objects.filter(agent=agent)[:MAX_VIEWS]
    ]


def _mine(request, pk: int) -> SavedView:
    return get_object_or_404(SavedView, pk=pk, agent=request.user)


def _queue(query: str = ""):
    return redirect(reverse("cases:queue") + (f"?{query}" if query else ""))


@login_required
@require_POST
def save(request):
    name = request.POST.get("name", "").strip()
    query = clean_query(request.POST.get("query", ""))
    if not name:
        messages.error(request, _("Give the view a name."))
    elif SavedView.objects.filter(agent=request.user).count() >= MAX_VIEWS:
        messages.error(request, _("At most %(n)s saved views.") % {"n": MAX_VIEWS})
    else:
        services.save_view(request.user, name, query)
        messages.success(request, _("View “%(name)s” saved.") % {"name": name[:60]})
    return _queue(query)


@login_required
@require_POST
def rename(request, pk: int):
    view = _mine(request, pk)
    name = request.POST.get("name", "").strip()
    if name:
        services.rename_view(view, name)
    return _queue(view.query)


@login_required
@require_POST
def delete(request, pk: int):
    services.delete_view(_mine(request, pk))
    return _queue()


@login_required
@require_POST
def move(request, pk: int):
    view = _mine(request, pk)
    services.move_view(view, -1 if request.POST.get("to") == "up" else 1)
    return _queue(view.query)
