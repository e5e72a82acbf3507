"""Helpers to post a correctly signed webhook through the real view, for tests and for
replaying a platform's body by hand (`./manage.py shell`)."""

import json
import uuid

from django.urls import reverse

from kundsvar.commerce.connectors import shopify, woocommerce
from kundsvar.core.corpora import CORPORA

SHOPIFY_FIXTURES = CORPORA / "shopify_python_api" / "test" / "fixtures"
WOOCOMMERCE_FIXTURES = CORPORA / "woocommerce_rest_api_docs"


def as_body(payload) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def post_shopify(
    client,
    shop,
    topic: str,
    payload,
    *,
    secret: str,
    webhook_id: str = "",
    signature: str | None = None,
):
    body = as_body(payload)
    return client.post(
        reverse("shop_hooks:shopify", args=[shop.slug]),
        data=body,
        content_type="application/json",
        headers={
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": shopify.sign(secret, body) if signature is None else signature,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Shop-Domain": f"{shop.slug}.myshopify.com",
        },
    )


def post_woocommerce(
    client,
    shop,
    topic: str,
    payload,
    *,
    secret: str,
    delivery_id: str = "",
    signature: str | None = None,
):
    body = as_body(payload)
    resource, _, event = topic.partition(".")
    return client.post(
        reverse("shop_hooks:woocommerce", args=[shop.slug]),
        data=body,
        content_type="application/json",
        headers={
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": woocommerce.sign(secret, body)
            if signature is None
            else signature,
            "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex,
            "X-WC-Webhook-Source": "https://butik.example/",
        },
    )
