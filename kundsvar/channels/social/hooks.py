"""The webhook endpoint Meta calls: one URL per connection, /hooks/meta/<webhook_key>/.

GET is the subscription handshake. POST is checked against the raw body's signature
before anything else; a body without a valid signature gets 403 and nothing is stored.
A valid body is stored (`channels.hooks`) and answered 200 at once: Meta retries
anything slow or failing, and processing follows after commit (inbound.process_hook)."""

import hashlib

from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kundsvar.channels.hooks import services as hooks

from . import signature
from .models import Connection

PROCESSOR = "kundsvar.channels.social.inbound.process_hook"


@csrf_exempt  # a machine endpoint, authenticated by the body's signature
@require_http_methods(["GET", "POST"])
def meta(request, token):
    connection = Connection.objects.filter(webhook_key=token).first()
    if connection is None:
        raise Http404
    if request.method == "GET":
        challenge = signature.handshake(connection.verify_token, request.GET)
        if challenge is None:
            return HttpResponseForbidden("verify token mismatch")
        return HttpResponse(challenge, content_type="text/plain")
    body = request.body
    if not signature.valid(
        connection.app_secret, body, request.headers.get("X-Hub-Signature-256", "")
    ):
        return HttpResponseForbidden("bad signature")
    hook, created = hooks.store(
        provider="meta",
        kind=connection.platform,
        shop=connection.shop,
        # The same bytes again (a redelivery) are the same row. Messages are taken in
        # once each by their own ids, however the platform batches them.
        external_id=f"{connection.platform}:{hashlib.sha256(body).hexdigest()}",
        body=body,
        content_type=request.content_type or "",
        headers=hooks.kept_headers(request),
        processor=PROCESSOR,
    )
    return JsonResponse({"stored": hook.pk, "new": created})
