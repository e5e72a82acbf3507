"""The shifts settings page, /settings/<shop>/shifts/: each agent's weekly pattern, the
dated exceptions (days off, other hours), and the staffing settings (the promise's
"we need until …" mail, the chat and phone targets, the seasonal factors). The promise
forecast and the staffing page read these (rules A4, T1, S5)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required

from . import services
from .forms import ExceptionForm, SettingsForm, ShiftForm
from .models import Shift, ShiftException


@shop_admin_required
def shifts(request, shop):
    shift_form = ShiftForm(shop, prefix="shift")
    exception_form = ExceptionForm(shop, prefix="exception")
    settings_form = SettingsForm(instance=services.settings_for(shop), prefix="settings")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "shift":
            shift_form = ShiftForm(shop, request.POST, prefix="shift")
            if shift_form.is_valid():
                data = shift_form.cleaned_data
                services.add_shift(
                    shop,
                    data["agent"],
                    data["weekday"],
                    data["start"],
                    data["end"],
                    channels=data["channels"],
                    languages=data["languages"],
                )
                messages.success(request, _("Shift added."))
                return redirect("settings:shifts", shop.slug)
        elif action == "exception":
            exception_form = ExceptionForm(shop, request.POST, prefix="exception")
            if exception_form.is_valid():
                data = exception_form.cleaned_data
                services.set_exception(
                    shop, data["agent"], data["date"], data["start"], data["end"], data["note"]
                )
                messages.success(request, _("Exception saved."))
                return redirect("settings:shifts", shop.slug)
        elif action == "settings":
            settings_form = SettingsForm(
                request.POST, instance=services.settings_for(shop), prefix="settings"
            )
            if settings_form.is_valid():
                services.save_settings(shop, **settings_form.cleaned_data)
                messages.success(request, _("Staffing settings saved."))
                return redirect("settings:shifts", shop.slug)
    today = timezone.localdate(timezone.now(), shop.tz)
    context = {
        "shop": shop,
        "section": "shifts",
        "shifts": Shift.objects.filter(shop=shop).select_related("agent"),
        "exceptions": ShiftException.objects.filter(shop=shop, date__gte=today).select_related(
            "agent"
        ),
        "shift_form": shift_form,
        "exception_form": exception_form,
        "settings_form": settings_form,
    }
    return render(request, "staffing/shifts.html", context)


@shop_admin_required
@require_POST
def shift_delete(request, shop, pk):
    services.delete_shift(get_object_or_404(Shift, shop=shop, pk=pk))
    messages.success(request, _("Shift removed."))
    return redirect("settings:shifts", shop.slug)


@shop_admin_required
@require_POST
def exception_delete(request, shop, pk):
    services.delete_exception(get_object_or_404(ShiftException, shop=shop, pk=pk))
    messages.success(request, _("Exception removed."))
    return redirect("settings:shifts", shop.slug)
