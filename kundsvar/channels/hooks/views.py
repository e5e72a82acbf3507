from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kundsvar.accounts.security import shop_admin_required

from . import services
from .models import HookState, InboundHook


@require_http_methods(["GET", "POST"])
@shop_admin_required
def inbound(request, shop):
    """Settings: what the SMS and social platforms sent that is still waiting or could not be
    read, with its error, and "retry" once the cause is fixed (A6: nothing hidden)."""
    rows = InboundHook.objects.filter(shop=shop)
    if request.method == "POST":
        failed = rows.filter(state=HookState.FAILED)
        if request.POST.get("hook"):
            failed = failed.filter(pk=request.POST["hook"])
        count = 0
        for hook in failed:
            services.retry(hook)
            count += 1
        messages.success(
            request,
            ngettext(
                "%(count)d event is being processed again.",
                "%(count)d events are being processed again.",
                count,
            )
            % {"count": count},
        )
        return redirect("settings:inbound_events", shop.slug)
    open_rows = rows.exclude(state=HookState.DONE)
    day_ago = timezone.now() - timedelta(days=1)
    return render(
        request,
        "hooks/inbound.html",
        {
            "shop": shop,
            "section": "inbound_events",
            "rows": open_rows.defer("body").order_by("-received_at")[:100],
            "waiting": open_rows.filter(state=HookState.PENDING).count(),
            "failed": open_rows.filter(state=HookState.FAILED).count(),
            "done_today": rows.filter(state=HookState.DONE, processed_at__gte=day_ago).count(),
        },
    )
