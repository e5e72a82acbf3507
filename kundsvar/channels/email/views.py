import hmac

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.shops.models import Shop

from . import outbox, pipeline
from .models import OutboundState, Source

MAX_BYTES = 50 * 1024 * 1024


@csrf_exempt  # a machine endpoint, authenticated by the shop's secret, not a session
@require_POST
def inbound(request, shop_slug):
    """Raw MIME from a mail relay: POST the message as the body, the shop's secret as
    `Authorization: Bearer …`. Answers 202 once the bytes are stored."""
    shop = get_object_or_404(Shop, slug=shop_slug)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not shop.inbound_secret or not hmac.compare_digest(given, shop.inbound_secret):
        return JsonResponse({"error": "unauthorized"}, status=401)
    if int(request.headers.get("Content-Length") or 0) > MAX_BYTES:
        return JsonResponse({"error": "too_large", "max_bytes": MAX_BYTES}, status=413)
    raw = request.body
    if not raw.strip():
        return JsonResponse({"error": "empty", "detail": "POST the raw message as the body"},
                            status=400)
    envelope = [a.strip() for a in request.headers.get("X-Envelope-To", "").split(",") if a]
    row = pipeline.receive(raw, shop=shop, source=Source.HTTP, envelope_to=envelope)
    return JsonResponse({"sha256": row.sha256, "state": row.state}, status=202)


@require_http_methods(["GET", "POST"])
@shop_admin_required
def outgoing(request, shop):
    """Settings: the shop's mail waiting to be sent or given up on, and "retry now"."""
    rows = outbox.for_shop(shop)
    if request.method == "POST":
        count = outbox.retry_now(rows)
        messages.success(request, ngettext("%(count)d email is being sent again.",
                                           "%(count)d emails are being sent again.",
                                           count) % {"count": count})
        return redirect("settings:outgoing_mail", shop.slug)
    pending = rows.filter(state__in=[OutboundState.QUEUED, OutboundState.FAILED])
    return render(request, "shops/outgoing_mail.html", {
        "shop": shop, "section": "outgoing_mail",
        "rows": pending.select_related("case").order_by("created_at")[:100],
        "queued": pending.filter(state=OutboundState.QUEUED).count(),
        "failed": pending.filter(state=OutboundState.FAILED).count(),
    })
