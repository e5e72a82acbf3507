"""Settings → Webhooks: the shop's endpoints (URL, events, the signing secret shown once),
"send test event", and the delivery log with "send again"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kundsvar.accounts.security import shop_admin_required
from kundsvar.core.delivery import DeliveryState

from . import services
from .models import Event, WebhookDelivery, WebhookEndpoint, all_events


class EndpointForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(e, label) for e, label in Event.choices if e != Event.TEST],
        initial=all_events,
    )


@require_http_methods(["GET", "POST"])
@shop_admin_required
def webhooks(request, shop):
    endpoints = WebhookEndpoint.objects.filter(shop=shop).order_by("created_at")
    deliveries = WebhookDelivery.objects.filter(endpoint__shop=shop)
    form = EndpointForm(request.POST if request.POST.get("action") == "add" else None)
    secret_shown = None
    action = request.POST.get("action", "")
    if action == "add" and form.is_valid():
        try:
            endpoint = services.add_endpoint(
                shop, form.cleaned_data["url"], form.cleaned_data["events"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            secret_shown = (endpoint, endpoint.secret)
            form = EndpointForm()
    elif action in ("test", "secret", "on", "off", "delete"):
        endpoint = get_object_or_404(endpoints, pk=request.POST.get("endpoint"))
        if action == "test":
            services.send_test(endpoint)
            messages.success(request, _("Test event queued: see the delivery log below."))
        elif action == "secret":
            secret_shown = (endpoint, services.new_secret(endpoint))
        elif action == "delete":
            endpoint.delete()
            messages.success(request, _("Endpoint removed."))
        else:
            services.set_active(endpoint, action == "on")
        if not secret_shown:
            return redirect("settings:webhooks", shop.slug)
    elif action == "retry":
        rows = deliveries.exclude(state=DeliveryState.SENT)
        if request.POST.get("delivery"):
            rows = rows.filter(pk=request.POST["delivery"])
        count = services.send_again(rows)
        messages.success(
            request, _("%(count)d deliveries are being sent again.") % {"count": count}
        )
        return redirect("settings:webhooks", shop.slug)
    return render(
        request,
        "webhooks/settings.html",
        {
            "shop": shop,
            "section": "webhooks",
            "form": form,
            "endpoints": endpoints,
            "secret_shown": secret_shown,
            "deliveries": deliveries.select_related("endpoint").order_by("-created_at")[:100],
        },
    )
