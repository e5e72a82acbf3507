"""The shop owner's settings pages: profile, opening hours, special days and holidays,
response-time policies. Saved replies: workspace/settings_views.py; agents and teams:
accounts/views.py."""

import copy
from datetime import timedelta

from babel.dates import format_timedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import admin_shops, shop_admin_required
from kundsvar.cases.models import Channel
from kundsvar.sla.calendar import holiday_name, is_holiday
from kundsvar.sla.models import DEFAULT_CEILING_MINUTES, ResponsePolicy

from . import services
from .forms import PeriodFormSet, PolicyForm, ShopProfileForm, SpecialDayForm
from .hours import hours_summary


@login_required
def index(request):
    shops = list(admin_shops(request.user))
    if len(shops) == 1:
        return redirect("settings:profile", shops[0].slug)
    # Nobody's admin: a page that says so (403) rather than a bare error.
    return render(request, "shops/index.html", {"shops": shops}, status=200 if shops else 403)


@shop_admin_required
def profile(request, shop):
    # A copy: an invalid form must not rename the shop in the page around it.
    form = ShopProfileForm(request.POST or None, instance=copy.copy(shop))
    if form.is_valid():
        services.update_profile(shop, **form.cleaned_data)
        messages.success(request, _("Shop profile saved."))
        return redirect("settings:profile", shop.slug)
    return render(request, "shops/profile.html", {"shop": shop, "form": form, "section": "profile"})


@shop_admin_required
def hours(request, shop):
    initial = [
        {"weekday": p.weekday, "opens": p.opens, "closes": p.closes}
        for p in shop.opening_hours.all()
    ]
    formset = PeriodFormSet(request.POST or None, initial=initial, prefix="hours")
    if formset.is_valid():
        services.set_opening_hours(shop, formset.periods())
        messages.success(request, _("Opening hours saved."))
        return redirect("settings:hours", shop.slug)
    return render(
        request,
        "shops/hours.html",
        {
            "shop": shop,
            "formset": formset,
            "section": "hours",
            "summary": hours_summary(shop.opening_hours.all(), request.LANGUAGE_CODE),
        },
    )


def _coming_holidays(shop, special: dict) -> list[dict]:
    """Public holidays of the shop's country in the coming 12 months, which count as
    closed unless a special day says otherwise."""
    today = timezone.localdate(timezone=shop.tz)
    days = (today + timedelta(days=n) for n in range(366))
    return [
        {"date": day, "name": holiday_name(shop.country, day), "special": special.get(day)}
        for day in days
        if is_holiday(shop.country, day)
    ]


@shop_admin_required
def special_days(request, shop):
    form = SpecialDayForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        services.set_special_day(
            shop,
            data["date"],
            closed=data["closed"],
            opens=data["opens"],
            closes=data["closes"],
            note=data["note"],
        )
        messages.success(request, _("Special day saved."))
        return redirect("settings:special_days", shop.slug)
    today = timezone.localdate(timezone=shop.tz)
    rows = list(shop.special_days.filter(date__gte=today - timedelta(days=31)))
    return render(
        request,
        "shops/special_days.html",
        {
            "shop": shop,
            "form": form,
            "special_days": rows,
            "section": "special_days",
            "holidays": _coming_holidays(shop, {row.date: row for row in rows}),
        },
    )


@shop_admin_required
@require_POST
def special_day_delete(request, shop, pk):
    services.remove_special_day(get_object_or_404(shop.special_days, pk=pk))
    messages.success(request, _("Special day removed."))
    return redirect("settings:special_days", shop.slug)


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
