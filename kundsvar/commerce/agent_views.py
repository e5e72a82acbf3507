"""The agent's clicks on the order panel beside a case (rule C4): confirm the match,
change it to another order, or reject it. Each answers an htmx request with the panel
again, and a plain POST with a redirect back to the case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kundsvar.cases.queries import cases_for

from . import matching, panels
from .models import Order


def _case(request, number):
    """Only cases of the agent's own shops: any other case is a 404, never a 403."""
    return get_object_or_404(
        cases_for(request.user).select_related("shop", "customer"), number=number
    )


def _answer(request, case, error: str = ""):
    if request.htmx:
        return HttpResponse(panels.render_panel(case, error=error))
    if error:
        messages.error(request, error)
    return redirect("cases:detail", number=case.number)


@login_required
@require_GET
def panel(request, number):
    return HttpResponse(panels.render_panel(_case(request, number)))


@login_required
@require_POST
def confirm(request, number, pk):
    case = _case(request, number)
    order = get_object_or_404(Order, pk=pk, shop_id=case.shop_id)
    matching.link_confirmed(case, order, agent=request.user)
    return _answer(request, case)


@login_required
@require_POST
def link(request, number):
    """Change to another order: one of the customer's, or any of the shop's by number."""
    case = _case(request, number)
    chosen = request.POST.get("order", "")
    typed = request.POST.get("number", "").strip().lstrip("#").strip()[:64]
    orders = Order.objects.filter(shop_id=case.shop_id)
    if chosen.isdigit():
        order = orders.filter(pk=int(chosen)).first()
    elif typed:
        order = orders.filter(number__iexact=typed).order_by("-placed_at").first()
    else:
        return _answer(request, case, _("Choose an order or type its number."))
    if order is None:
        return _answer(
            request, case, _("No order %(number)s in this shop.") % {"number": typed or chosen}
        )
    matching.link_confirmed(case, order, agent=request.user)
    return _answer(request, case)


@login_required
@require_POST
def reject(request, number, pk):
    case = _case(request, number)
    order = get_object_or_404(Order, pk=pk, shop_id=case.shop_id)
    matching.reject(case, order, agent=request.user)
    return _answer(request, case)
