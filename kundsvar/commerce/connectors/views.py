"""Shop platforms' webhooks: verify, store raw, process (see `inbox` for the answers).

POST /hooks/shopify/<shop>/ and /hooks/woocommerce/<shop>/. No session and no CSRF token:
the platform signs the body with the shop's secret, and nothing is stored unless that
signature holds (401 otherwise, also when the shop has no secret yet).
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kundsvar.commerce.models import CommerceSettings
from kundsvar.shops.models import Shop

from . import inbox, shopify, woocommerce


@csrf_exempt  # a machine endpoint, authenticated by the body's signature
@require_POST
def shopify_hook(request, shop):
    return _receive(request, shop, shopify)


@csrf_exempt  # a machine endpoint, authenticated by the body's signature
@require_POST
def woocommerce_hook(request, shop):
    return _receive(request, shop, woocommerce)


def _receive(request, slug: str, connector):
    shop = get_object_or_404(Shop, slug=slug)
    body = request.body
    if connector.is_ping(request, body):
        return JsonResponse({"state": "ping"})
    # Read, never create, the settings row: an unsigned request must not write anything.
    secret = connector.secret(CommerceSettings.objects.filter(shop=shop).first())
    if not connector.verify(secret, body, request):
        return JsonResponse({"error": "bad_signature"}, status=401)
    receipt, created = inbox.receive(
        shop,
        connector.PLATFORM,
        connector.webhook_id(request, body),
        connector.topic(request),
        body,
    )
    if not created and not inbox.needs_processing(receipt):
        return JsonResponse({"state": inbox.DUPLICATE, "receipt": receipt.pk})
    state = inbox.process(receipt, connector.handle)
    status = 500 if state == inbox.FAILED_STATE and connector.RETRY_ON_FAILURE else 200
    if state == inbox.UNPARSEABLE_STATE:
        status = 400  # stored and kept; the request itself is bad
    return JsonResponse({"state": state, "receipt": receipt.pk}, status=status)
