"""Bodies built to break a JSON parser (issue #10): a 100,000-deep array is a bad request
(400), never a server error, and its bytes are kept for a person to look at (A6)."""

import pytest

from kundsvar.accounts.models import ApiToken
from kundsvar.commerce.connectors import inbox
from kundsvar.commerce.models import CommerceSettings, WebhookReceipt
from kundsvar.commerce.tests.webhooks import post_shopify, post_woocommerce
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


@pytest.fixture
def shop():
    shop = ShopFactory(slug="butik")
    CommerceSettings.objects.create(shop=shop, shopify_secret="s1", woocommerce_secret="w1")
    return shop


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_deeply_nested_body_is_a_bad_request_and_kept(client, shop, platform, body):  # A6
    if platform == "shopify":
        response = post_shopify(
            client, shop, "orders/create", body, secret="s1", webhook_id="deep-1"
        )
    else:
        response = post_woocommerce(
            client, shop, "order.created", body, secret="w1", delivery_id="deep-1"
        )
    assert response.status_code == 400
    assert response.json()["state"] == inbox.UNPARSEABLE_STATE
    receipt = WebhookReceipt.objects.get()
    assert bytes(receipt.body) == body  # nothing lost
    assert receipt.error.startswith("rejected: unparseable")
    assert receipt.processed_at is None
    # The platform's retry of the same delivery changes nothing and is not an error.
    if platform == "shopify":
        again = post_shopify(client, shop, "orders/create", body, secret="s1", webhook_id="deep-1")
    else:
        again = post_woocommerce(
            client, shop, "order.created", body, secret="w1", delivery_id="deep-1"
        )
    assert again.status_code == 200 and again.json()["state"] == "duplicate"
    assert WebhookReceipt.objects.count() == 1


def test_the_api_answers_a_deeply_nested_body_with_400(client, shop):
    agent = AgentFactory(shops=[shop])
    token = ApiToken.issue(agent, "test")[1]
    response = client.post(
        "/api/v1/cases",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"]
