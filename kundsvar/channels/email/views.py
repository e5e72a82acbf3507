import hmac
from itertools import chain

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.shops.models import Shop

from . import outbox, pipeline, rawstore
from .models import OutboundState, Source

CHUNK = 1024 * 1024


@csrf_exempt  # a machine endpoint, authenticated by the shop's secret, not a session
@require_POST
def inbound(request, shop_slug):
    """Raw MIME from a mail relay: POST the message as the body, the shop's secret as
    `Authorization: Bearer …`. Answers 202 once the bytes are stored.

    The body is streamed into the raw store, never read whole (`request.body` stops at
    DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, with a 400 that relays take as final). A
    message over MAIL_MAX_MESSAGE_SIZE gets 413, so the relay bounces it and the sender
    learns it did not arrive whole; what came (its first MAIL_MAX_MESSAGE_SIZE bytes:
    sender, subject, text) is still kept and becomes a case marked "too_large" (A6)."""
    shop = get_object_or_404(Shop, slug=shop_slug)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not shop.inbound_secret or not hmac.compare_digest(given, shop.inbound_secret):
        return JsonResponse({"error": "unauthorized"}, status=401)
    first = request.read(CHUNK)
    if not first.strip():
        return JsonResponse(
            {"error": "empty", "detail": "POST the raw message as the body"}, status=400
        )
    limit = settings.MAIL_MAX_MESSAGE_SIZE
    rest = iter(lambda: request.read(CHUNK), b"")
    sha, size, complete = rawstore.put_stream(chain([first], rest), limit=limit)
    envelope = [a.strip() for a in request.headers.get("X-Envelope-To", "").split(",") if a]
    row = pipeline.accept(
        sha, size, shop=shop, source=Source.HTTP, envelope_to=envelope, truncated=not complete
    )
    if not complete:
        megabytes = f"{limit / 1024 / 1024:g} MB"
        return JsonResponse(
            {
                "error": "too_large",
                "max_bytes": limit,
                "kept": row.sha256,
                "state": row.state,
                "detail": f"The message is larger than the {megabytes} this shop accepts. Its "
                f"first {megabytes} are kept and shown to the shop.",
            },
            status=413,
        )
    return JsonResponse({"sha256": row.sha256, "state": row.state}, status=202)


@require_http_methods(["GET", "POST"])
@shop_admin_required
def outgoing(request, shop):
    """Settings: the shop's mail waiting to be sent or given up on, and "retry now"."""
    rows = outbox.for_shop(shop)
    if request.method == "POST":
        count = outbox.retry_now(rows)
        messages.success(
            request,
            ngettext(
                "%(count)d email is being sent again.",
                "%(count)d emails are being sent again.",
                count,
            )
            % {"count": count},
        )
        return redirect("settings:outgoing_mail", shop.slug)
    pending = rows.filter(state__in=[OutboundState.QUEUED, OutboundState.FAILED])
    return render(
        request,
        "shops/outgoing_mail.html",
        {
            "shop": shop,
            "section": "outgoing_mail",
            "rows": pending.select_related("case").order_by("created_at")[:100],
            "queued": pending.filter(state=OutboundState.QUEUED).count(),
            "failed": pending.filter(state=OutboundState.FAILED).count(),
        },
    )
