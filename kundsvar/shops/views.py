"""The shop owner's settings pages: profile, opening hours, special days and holidays.
Response-time policies: sla/views.py; saved replies: workspace/settings_views.py; agents
and teams: accounts/views.py."""

import copy
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import admin_shops, shop_admin_required
from kundsvar.sla.calendar import holiday_name, is_holiday

from . import services
from .forms import PeriodFormSet, ShopProfileForm, SpecialDayForm
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
