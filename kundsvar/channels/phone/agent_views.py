"""Agents log calls on a case (the phone panel's forms) and send a failed SMS again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.cases import queries
from kundsvar.cases.services import CaseError
from kundsvar.shops.models import Shop

from . import calls, outbox
from .forms import CallForm, NewCallForm
from .models import OutboundSms


def _back(request, case):
    url = reverse("cases:detail", args=[case.number])
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@login_required
@require_POST
def log_call(request, number):
    case = get_object_or_404(queries.cases_for(request.user).select_related("shop"), number=number)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The call was not logged: %(errors)s") % {"errors": form.errors})
        return _back(request, case)
    data = form.cleaned_data
    minutes = data["minutes"]
    try:
        calls.log_call(
            case,
            request.user,
            outcome=data["outcome"],
            direction=data["direction"],
            number=data["number"],
            duration_seconds=int(minutes * 60) if minutes is not None else None,
            note=data["note"],
        )
    except (calls.CallError, CaseError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Call logged."))
    return _back(request, case)


@login_required
def new_call(request):
    """Log a call that is on no case yet; the customer is found by the number."""
    shops = (
        Shop.objects.all()
        if request.user.is_superuser
        else Shop.objects.filter(pk__in=queries.shop_ids(request.user))
    )
    form = NewCallForm(request.POST or None, shops=shops)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        minutes = data["minutes"]
        try:
            call = calls.log_new_call(
                data["shop"],
                request.user,
                number=data["number"],
                name=data["name"],
                outcome=data["outcome"],
                direction=data["direction"],
                duration_seconds=int(minutes * 60) if minutes is not None else None,
                note=data["note"],
            )
        except (calls.CallError, CaseError) as error:
            form.add_error("number", str(error))
        else:
            messages.success(request, _("Call logged."))
            return redirect("cases:detail", number=call.case.number)
    return render(request, "phone/new_call.html", {"form": form})


@login_required
@require_POST
def retry_sms(request, number, sms_id):
    case = get_object_or_404(queries.cases_for(request.user), number=number)
    outbox.retry_now(OutboundSms.objects.filter(case=case, pk=sms_id))
    messages.success(request, _("The SMS is being sent again."))
    return _back(request, case)
