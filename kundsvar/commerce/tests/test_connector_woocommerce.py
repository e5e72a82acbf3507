"""WooCommerce webhooks through the real view, with the corpus fixtures (rules O1, O6)."""

import json

import pytest

from kundsvar.commerce.models import (
    CommerceSettings,
    Order,
    OrderStatus,
    Refund,
    WebhookReceipt,
)
from kundsvar.commerce.tests.webhooks import WOOCOMMERCE_FIXTURES, post_woocommerce
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
SECRET = "hush-woo"


@pytest.fixture
def shop():
    shop = ShopFactory(slug="woo")
    CommerceSettings.objects.create(
        shop=shop, woocommerce_secret=SECRET, return_policy="Öppet köp i 30 dagar."
    )
    return shop


@pytest.fixture
def changes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "kundsvar.commerce.proactive.on_change",
        lambda order, kind, *, obj=None, now=None: calls.append((kind, obj)),
    )
    return calls


def fixture(name: str):
    return json.loads((WOOCOMMERCE_FIXTURES / name).read_text())


def every_order() -> list[dict]:
    orders = []
    for path in sorted(WOOCOMMERCE_FIXTURES.glob("orders__*.json")):
        data = json.loads(path.read_text())
        if isinstance(data, dict) and "create" in data:  # the batch answer
            data = data["create"] + data["update"] + data["delete"]
        orders += data if isinstance(data, list) else [data]
    return orders


def every_refund() -> list[dict]:
    refunds = []
    for path in sorted(WOOCOMMERCE_FIXTURES.glob("order-refunds__*.json")):
        data = json.loads(path.read_text())
        refunds += data if isinstance(data, list) else [data]
    return refunds


def post(client, shop, topic, payload, **kwargs):
    return post_woocommerce(client, shop, topic, payload, secret=SECRET, **kwargs)


def test_every_order_and_refund_fixture_imports(client, shop, changes):  # O1, O6
    for body in every_order():
        response = post(client, shop, "order.updated", body)
        assert response.status_code == 200 and response.json()["state"] == "processed"
    for body in every_refund():
        response = post(client, shop, "order_refund.created", body)
        assert response.status_code == 200 and response.json()["state"] == "processed"
    assert set(Order.objects.values_list("external_id", flat=True)) == {"723", "727", "728", "729"}
    assert set(Refund.objects.values_list("external_id", flat=True)) == {"724", "726"}
    assert WebhookReceipt.objects.filter(processed_at__isnull=True).count() == 0


def test_an_order_maps_money_lines_and_customer(client, shop, changes):
    post(client, shop, "order.created", fixture("orders__retrieve-an-order.json"))
    order = Order.objects.get()
    assert (order.number, order.email, order.postcode) == ("727", "john.doe@example.com", "94103")
    assert (order.total_minor, order.tax_minor, order.shipping_minor) == (2935, 135, 1000)
    ship = order.lines.get(external_id="316")
    assert ship.name == "Ship Your Idea – Color: Black, Size: M Test"  # &ndash; unescaped
    assert (ship.total_minor, ship.tax_minor, str(ship.vat_rate)) == (1290, 90, "7.50")
    assert order.status == OrderStatus.CONFIRMED
    assert order.customer.name == "John Doe"
    assert [kind for kind, _ in changes] == ["confirmed"]


def test_a_refund_with_lines_points_at_the_order_line(client, shop, changes):  # O6
    post(client, shop, "order.updated", fixture("orders__list-all-orders.json")[1])
    refund = Refund.objects.get(external_id="724")
    assert refund.lines.count() == 0  # from the order's list: no lines yet
    post(client, shop, "order_refund.created", fixture("order-refunds__list-all-refunds.json")[1])
    refund.refresh_from_db()
    line = refund.lines.get()
    assert line.line.external_id == "311" and line.amount_minor == 900 and line.quantity == 1
    assert (refund.paid_minor, refund.refunded_minor) == (900, 900)
    # The order lists two refunds (724, 726): each told once, the redelivery adds nothing.
    assert [kind for kind, _ in changes].count("refund_paid") == 2


def test_a_refund_before_its_order_waits(client, shop, changes):  # O6
    response = post(
        client, shop, "order_refund.created", fixture("order-refunds__create-a-refund.json")
    )
    assert response.json()["state"] == "waiting"
    assert WebhookReceipt.objects.get().error == "waiting for order 723"
    post(client, shop, "order.updated", fixture("orders__list-all-orders.json")[1])
    assert WebhookReceipt.objects.filter(processed_at__isnull=True).count() == 0
    assert Refund.objects.get(external_id="726").refunded_minor == 1000


def test_the_ping_on_webhook_creation_is_answered_and_nothing_stored(client, shop):
    response = client.post(
        f"/hooks/woocommerce/{shop.slug}/",
        data="webhook_id=12",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not WebhookReceipt.objects.exists() and not Order.objects.exists()


def test_a_tampered_body_is_refused_and_nothing_is_stored(client, shop, changes):
    body = json.dumps(fixture("orders__create-an-order.json")).encode()
    from kundsvar.commerce.connectors.woocommerce import sign

    signature = sign(SECRET, body)
    response = post(
        client, shop, "order.created", body.replace(b"29.35", b"0.01"), signature=signature
    )
    assert response.status_code == 401
    assert not WebhookReceipt.objects.exists() and not Order.objects.exists()


def test_a_ping_shaped_body_with_a_topic_still_needs_a_signature(client, shop):
    response = client.post(
        f"/hooks/woocommerce/{shop.slug}/",
        data="webhook_id=12",
        content_type="application/x-www-form-urlencoded",
        headers={"X-WC-Webhook-Topic": "order.created"},
    )
    assert response.status_code == 401


def test_the_same_delivery_twice_is_stored_once(client, shop, changes):
    body = fixture("orders__create-an-order.json")
    post(client, shop, "order.created", body, delivery_id="d-1")
    second = post(client, shop, "order.created", body, delivery_id="d-1")
    assert second.json()["state"] == "duplicate"
    assert WebhookReceipt.objects.count() == 1 and Order.objects.count() == 1
    assert [kind for kind, _ in changes] == ["confirmed"]


def test_an_older_update_after_a_newer_one_changes_nothing(client, shop, changes):
    post(client, shop, "order.updated", fixture("orders__update-an-order.json"))  # completed
    post(client, shop, "order.updated", fixture("orders__create-an-order.json"))  # older
    order = Order.objects.get()
    assert order.status == OrderStatus.SHIPPED and order.financial_status == "completed"
    assert changes == []  # first seen already shipped: no "confirmed"


def test_a_processing_failure_answers_200_and_keeps_the_body(client, shop, monkeypatch):
    # WooCommerce never retries and disables a webhook after 5 failures.
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("kundsvar.commerce.services.save_order", broken)
    response = post(client, shop, "order.created", fixture("orders__create-an-order.json"))
    assert response.status_code == 200 and response.json()["state"] == "failed"
    assert WebhookReceipt.objects.get().error.startswith("failed: RuntimeError")
