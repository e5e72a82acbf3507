"""Signatures below email answers: the agent's own (linked from their account page) and
the shop's (its settings), one for any language and one per language the shop answers in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases import queries
from kundsvar.shops.models import Language, Shop

from . import services
from .models import Signature

MAX = 2000


def _slots(shop: Shop, agent) -> list[dict]:
    """One text box per language: "" (any) first, then the shop's languages."""
    current = {
        s.language: s.text
        for s in Signature.objects.filter(shop=shop, agent=agent if agent else None)
    }
    names = dict(Language.choices)
    return [
        {
            "name": f"sig-{shop.pk}-{code or 'any'}",
            "language": code,
            "label": names.get(code, code) if code else _("Any language"),
            "text": current.get(code, ""),
        }
        for code in ["", *[c for c in shop.languages if c]]
    ]


def _save(request, shop: Shop, agent) -> None:
    for slot in _slots(shop, agent):
        text = request.POST.get(slot["name"])
        if text is not None and text != slot["text"]:
            services.set_signature(shop, agent, slot["language"], text[:MAX])


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """The agent's own signature in each of their shops."""
    shops = list(Shop.objects.filter(pk__in=queries.shop_ids(request.user)).order_by("name"))
    if request.method == "POST":
        for shop in shops:
            _save(request, shop, request.user)
        messages.success(request, _("Signature saved."))
        return redirect("cases:signature")
    return render(
        request,
        "cases/signature.html",
        {"groups": [(shop, _slots(shop, request.user)) for shop in shops]},
    )


@shop_admin_required
@require_http_methods(["GET", "POST"])
def shop_signature(request, shop):
    if request.method == "POST":
        _save(request, shop, None)
        messages.success(request, _("Signature saved."))
        return redirect("settings:signatures", shop.slug)
    return render(
        request,
        "shops/signatures.html",
        {"shop": shop, "slots": _slots(shop, None), "section": "signatures"},
    )
