"""The automations settings page, /settings/<shop>/automations/: the shop admin's rules
with their on/off switch, the builder (when, if, then) with a dry run that lists the
existing cases a rule would act on, and the suggested rules."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required

from . import engine, services
from .forms import RuleForm
from .models import Firing, Rule


@shop_admin_required
def rules(request, shop):
    found = Rule.objects.filter(shop=shop)
    context = {"shop": shop, "section": "automations", "rules": found}
    return render(request, "automations/rules.html", context)


@shop_admin_required
def rule(request, shop, pk=None):
    existing = get_object_or_404(Rule, shop=shop, pk=pk) if pk else None
    initial = RuleForm.initial_for(existing) if existing else None
    form = RuleForm(shop, request.POST or None, initial=initial)
    matches = None
    if request.method == "POST" and form.is_valid():
        values = form.rule_values()
        if request.POST.get("action") == "dry_run":
            matches = engine.dry_run(Rule(shop=shop, **values))
        else:
            saved = services.save_rule(shop, existing, **values)
            messages.success(request, _("Rule saved."))
            return redirect("settings:automation", shop.slug, saved.pk)
    elif existing is not None:
        matches = engine.dry_run(existing)
    context = {
        "shop": shop,
        "section": "automations",
        "rule": existing,
        "form": form,
        "matches": matches,
        "recent": Firing.objects.filter(rule=existing).select_related("case")[:20]
        if existing
        else [],
    }
    return render(request, "automations/rule.html", context)


@shop_admin_required
@require_POST
def switch(request, shop, pk):
    found = get_object_or_404(Rule, shop=shop, pk=pk)
    services.switch(found, request.POST.get("enabled") == "1")
    return redirect("settings:automations", shop.slug)


@shop_admin_required
@require_POST
def delete(request, shop, pk):
    services.delete_rule(get_object_or_404(Rule, shop=shop, pk=pk))
    messages.success(request, _("Rule removed."))
    return redirect("settings:automations", shop.slug)


@shop_admin_required
@require_POST
def suggest(request, shop):
    made = services.seed_rules(shop)
    messages.success(request, _("%(count)s suggested rules added.") % {"count": len(made)})
    return redirect("settings:automations", shop.slug)
