"""The response-time policies' settings pages, under /settings/<shop>/response-times/:
the promise every case gets is computed from these (rules S1-S3)."""

from datetime import timedelta

from babel.dates import format_timedelta
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases.models import Channel

from . import services
from .forms import PolicyForm
from .models import DEFAULT_CEILING_MINUTES, ResponsePolicy


def _hours(minutes: int) -> str:
    """ "6 tim", "1 tim 30 min", "45 min" in the agent's language: a duration in words,
    not the form's "6:00" with an "h" after it."""
    locale = translation.to_locale(translation.get_language() or "sv")
    hours, rest = divmod(minutes, 60)
    parts = (
        [
            format_timedelta(
                timedelta(hours=hours),
                granularity="hour",
                threshold=10**6,
                format="short",
                locale=locale,
            )
        ]
        if hours
        else []
    )
    if rest or not hours:
        parts.append(
            format_timedelta(
                timedelta(minutes=rest),
                granularity="minute",
                threshold=10**6,
                format="short",
                locale=locale,
            )
        )
    return " ".join(parts)


@shop_admin_required
def policies(request, shop):
    channels = dict(Channel.choices)
    rows = [
        {
            "policy": p,
            "channel": channels.get(p.channel, p.channel) if p.channel else None,
            "first_response": _hours(p.first_response_minutes),
            "follow_up": _hours(p.follow_up_minutes),
            "ceiling": _hours(p.ceiling_minutes),
            "over_24h": p.ceiling_minutes > DEFAULT_CEILING_MINUTES,
        }
        for p in shop.policies.order_by("channel")
    ]
    return render(
        request, "shops/policies.html", {"shop": shop, "rows": rows, "section": "policies"}
    )


@shop_admin_required
def policy_edit(request, shop, pk=None):
    policy = get_object_or_404(ResponsePolicy, shop=shop, pk=pk) if pk else None
    form = PolicyForm(shop, request.POST or None, policy=policy)
    if form.is_valid():
        services.save_policy(shop, policy, **form.values())
        messages.success(request, _("Response-time policy saved."))
        return redirect("settings:policies", shop.slug)
    return render(
        request,
        "shops/policy_form.html",
        {"shop": shop, "form": form, "policy": policy, "section": "policies"},
    )


@shop_admin_required
@require_POST
def policy_delete(request, shop, pk):
    services.delete_policy(get_object_or_404(ResponsePolicy, shop=shop, pk=pk))
    messages.success(request, _("Response-time policy removed."))
    return redirect("settings:policies", shop.slug)
