"""Shopify webhooks through the real view, with the corpus fixtures (rules O1, O6)."""

import copy
import json
from datetime import UTC, datetime

import pytest

from kundsvar.commerce.models import (
    CommerceSettings,
    DeductionReason,
    Order,
    OrderStatus,
    Refund,
    Shipment,
    WebhookReceipt,
)
from kundsvar.commerce.tests.webhooks import SHOPIFY_FIXTURES, post_shopify
from kundsvar.customers.models import Customer, CustomerPhone
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
SECRET = "hush-shopify"


@pytest.fixture
def shop():
    shop = ShopFactory(slug="butik")
    CommerceSettings.objects.create(
        shop=shop, shopify_secret=SECRET, return_policy="Returfrakt 59 kr dras av vid ångerrätt."
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


def fixture(name: str) -> dict:
    return json.loads((SHOPIFY_FIXTURES / name).read_text())


def post(client, shop, topic, payload, **kwargs):
    return post_shopify(client, shop, topic, payload, secret=SECRET, **kwargs)


def test_every_order_fixture_imports(client, shop, changes):  # O1
    bodies = [fixture("order.json")] + fixture("orders.json")["orders"]
    for body in bodies:
        response = post(client, shop, "orders/updated", body)
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "processed"
    order = Order.objects.get(shop=shop, external_id="450789469")
    assert order.number == "1001"
    assert order.email == "bob.norman@hostmail.com"
    assert order.currency == "USD"
    assert order.lines.count() == 3
    assert order.customer.name == "Bob Norman"
    assert WebhookReceipt.objects.filter(processed_at__isnull=False).count() == len(bodies)


def test_money_becomes_minor_units_without_float(client, shop, changes):
    post(client, shop, "orders/create", fixture("order.json"))
    order = Order.objects.get()
    assert (order.total_minor, order.tax_minor, order.subtotal_minor) == (40994, 1194, 39800)
    assert sorted(order.lines.values_list("unit_price_minor", flat=True)) == [19900] * 3
    assert order.postcode == "40202" and order.country == "US"
    assert CustomerPhone.objects.get().normalized == "5556251199"


def test_the_order_fixture_is_wrapped_or_bare(client, shop, changes):
    post(client, shop, "orders/create", fixture("order.json")["order"])
    post(client, shop, "orders/create", fixture("order.json"))
    assert Order.objects.count() == 1


def test_fulfillment_fixture_makes_a_parcel(client, shop, changes):  # O1, O4
    post(client, shop, "orders/create", fixture("order.json"))
    response = post(client, shop, "fulfillments/create", fixture("fulfillment.json"))
    assert response.json()["state"] == "processed"
    parcel = Shipment.objects.get()
    assert parcel.tracking_number == "1Z2345"
    assert parcel.external_id == "255858046"
    assert parcel.lines.get().line.sku == "IPOD2008GREEN"
    assert Order.objects.get().status == OrderStatus.PARTLY_SHIPPED
    assert [kind for kind, _ in changes] == ["confirmed", "shipped"]


def test_fulfillment_update_does_not_announce_the_parcel_again(client, shop, changes):  # O1
    post(client, shop, "orders/create", fixture("order.json"))
    body = fixture("fulfillment.json")
    post(client, shop, "fulfillments/create", body)
    body["fulfillment"]["updated_at"] = "2013-11-02T10:00:00-04:00"
    body["fulfillment"]["shipment_status"] = "delivered"
    post(client, shop, "fulfillments/update", body)
    parcel = Shipment.objects.get()
    assert parcel.delivered_at is not None
    assert [kind for kind, _ in changes] == ["confirmed", "shipped", "delivered"]


def test_fulfillment_event_fixture_is_stored_and_ignored(client, shop, changes):
    response = post(client, shop, "fulfillment_events/create", fixture("fulfillment_event.json"))
    assert response.status_code == 200
    assert WebhookReceipt.objects.get().processed_at is not None
    assert not Shipment.objects.exists()


def test_refund_fixture_itemises_what_was_kept(client, shop, changes):  # O6
    post(client, shop, "orders/create", fixture("order.json"))
    response = post(client, shop, "refunds/create", fixture("refund.json"))
    assert response.json()["state"] == "processed"
    refund = Refund.objects.get()
    # Two iPods at 199.00 were returned; 209.00 was sent back.
    assert (refund.paid_minor, refund.refunded_minor, refund.deducted_minor) == (
        39800,
        20900,
        18900,
    )
    assert refund.lines.count() == 2
    deduction = refund.deductions.get()
    assert deduction.reason == DeductionReason.OTHER
    assert deduction.policy_text == "Returfrakt 59 kr dras av vid ångerrätt."
    assert refund.paid_at is not None
    assert [kind for kind, _ in changes] == ["confirmed", "refund_paid"]


def test_refund_calculation_fixture_is_stored_unpaid(client, shop, changes):  # O6
    post(client, shop, "orders/create", fixture("order.json"))
    response = post(client, shop, "refunds/create", fixture("refund_calculate.json"))
    assert response.json()["state"] == "processed"
    refund = Refund.objects.get()
    assert refund.refunded_minor == 4194 and refund.paid_at is None
    assert [kind for kind, _ in changes] == ["confirmed"]  # a suggestion is not money sent


def test_a_tampered_body_is_refused_and_nothing_is_stored(client, shop, changes):
    body = json.dumps(fixture("order.json")).encode()
    from kundsvar.commerce.connectors.shopify import sign

    signature = sign(SECRET, body)
    tampered = body.replace(b"409.94", b"1.00")
    response = post(client, shop, "orders/create", tampered, signature=signature)
    assert response.status_code == 401
    assert not WebhookReceipt.objects.exists() and not Order.objects.exists()
    assert not Customer.objects.exists()


def test_a_missing_signature_or_secret_is_refused(client, shop, changes):
    assert (
        post(client, shop, "orders/create", fixture("order.json"), signature="").status_code == 401
    )
    other = ShopFactory(slug="utan")
    response = post_shopify(client, other, "orders/create", fixture("order.json"), secret="")
    assert response.status_code == 401
    assert not WebhookReceipt.objects.exists()
    assert not CommerceSettings.objects.filter(shop=other).exists()


def test_only_post_is_accepted(client, shop):
    assert client.get(f"/hooks/shopify/{shop.slug}/").status_code == 405


def test_the_same_webhook_twice_is_stored_once(client, shop, changes):  # O1
    body = fixture("order.json")
    body["order"]["financial_status"] = "paid"
    first = post(client, shop, "orders/create", body, webhook_id="w-1")
    second = post(client, shop, "orders/create", body, webhook_id="w-1")
    assert first.json()["state"] == "processed"
    assert second.status_code == 200 and second.json()["state"] == "duplicate"
    assert WebhookReceipt.objects.count() == 1 and Order.objects.count() == 1
    assert [kind for kind, _ in changes] == ["confirmed"]


def test_a_fulfillment_before_its_order_waits_for_it(client, shop, changes):  # O1
    response = post(client, shop, "fulfillments/create", fixture("fulfillment.json"))
    assert response.status_code == 200 and response.json()["state"] == "waiting"
    receipt = WebhookReceipt.objects.get()
    assert receipt.error == "waiting for order 450789469" and receipt.processed_at is None
    assert not Order.objects.exists()
    post(client, shop, "orders/create", fixture("order.json"))
    receipt.refresh_from_db()
    assert receipt.processed_at is not None and receipt.error == ""
    assert Shipment.objects.get().order.external_id == "450789469"
    assert [kind for kind, _ in changes] == ["confirmed", "shipped"]


def test_a_refund_before_its_order_waits_too(client, shop, changes):  # O6
    post(client, shop, "refunds/create", fixture("refund.json"))
    post(client, shop, "orders/create", fixture("order.json"))
    assert Refund.objects.get().refunded_minor == 20900


def test_an_older_update_after_a_newer_one_changes_nothing(client, shop, changes):
    newer = fixture("order.json")
    newer["order"].update(
        updated_at="2008-01-12T09:00:00-05:00", email="ny@example.se", financial_status="paid"
    )
    older = copy.deepcopy(fixture("order.json"))
    older["order"]["email"] = "gammal@example.se"
    post(client, shop, "orders/updated", newer)
    response = post(client, shop, "orders/updated", older)
    assert response.status_code == 200
    order = Order.objects.get()
    assert order.email == "ny@example.se" and order.status == OrderStatus.CONFIRMED
    assert [kind for kind, _ in changes] == ["confirmed"]


def test_a_cancelled_order_says_so(client, shop, changes):
    body = fixture("order.json")
    body["order"]["cancelled_at"] = "2008-01-11T10:00:00-05:00"
    post(client, shop, "orders/cancelled", body)
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert changes == []


def test_a_body_that_is_not_json_is_kept_and_not_retried(client, shop, changes):  # A6
    response = post(client, shop, "orders/create", b"{not json")
    assert response.status_code == 400 and response.json()["state"] == "unparseable"
    receipt = WebhookReceipt.objects.get()
    assert bytes(receipt.body) == b"{not json" and receipt.error.startswith("rejected: ")


def test_a_processing_failure_keeps_the_body_and_asks_shopify_to_retry(
    client, shop, changes, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("kundsvar.commerce.services.save_order", broken)
    response = post(client, shop, "orders/create", fixture("order.json"), webhook_id="w-9")
    assert response.status_code == 500
    receipt = WebhookReceipt.objects.get()
    assert receipt.error.startswith("failed: RuntimeError") and receipt.processed_at is None
    assert bytes(receipt.body) == json.dumps(fixture("order.json")).encode()
    monkeypatch.undo()
    monkeypatch.setattr("kundsvar.commerce.proactive.on_change", lambda *a, **k: None)
    retry = post(client, shop, "orders/create", fixture("order.json"), webhook_id="w-9")
    assert retry.status_code == 200 and retry.json()["state"] == "processed"
    assert Order.objects.count() == 1 and WebhookReceipt.objects.count() == 1


def test_end_to_end_the_customer_gets_each_message_once(client, shop):  # O1
    from kundsvar.commerce.models import OrderMessage

    body = fixture("order.json")
    body["order"]["financial_status"] = "paid"
    post(client, shop, "orders/create", body)
    post(client, shop, "orders/updated", body)  # same content, another webhook id
    post(client, shop, "fulfillments/create", fixture("fulfillment.json"))
    post(client, shop, "fulfillments/create", fixture("fulfillment.json"))
    keys = sorted(OrderMessage.objects.values_list("key", flat=True))
    parcel = Shipment.objects.get()
    assert keys == ["confirmed", f"shipped:{parcel.pk}"]


def test_reprocess_webhooks_retries_failed_receipts(client, shop, changes, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(
        "kundsvar.commerce.services.save_order",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")),
    )
    post(client, shop, "orders/create", fixture("order.json"))
    monkeypatch.undo()
    monkeypatch.setattr("kundsvar.commerce.proactive.on_change", lambda *a, **k: None)
    call_command("reprocess-webhooks", "--shop", shop.slug, verbosity=0)
    assert WebhookReceipt.objects.get().processed_at is not None
    assert Order.objects.count() == 1


def test_an_order_without_its_date_is_rejected_not_retried(client, shop, changes):
    body = fixture("order.json")
    del body["order"]["created_at"]
    response = post(client, shop, "orders/create", body)
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert not Order.objects.exists()


def test_the_worker_retries_failed_receipts_after_a_grace_period(client, shop, monkeypatch):
    import time_machine

    from kundsvar.commerce.tasks import retry_failed_webhooks

    monkeypatch.setattr(
        "kundsvar.commerce.services.save_order",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")),
    )
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        post(client, shop, "orders/create", fixture("order.json"))
    monkeypatch.undo()
    with time_machine.travel(datetime(2026, 11, 23, 9, 5, tzinfo=UTC), tick=False):
        retry_failed_webhooks.call()  # Shopify's own retry still has its head start
    assert not Order.objects.exists()
    with time_machine.travel(datetime(2026, 11, 23, 9, 20, tzinfo=UTC), tick=False):
        retry_failed_webhooks.call()
    assert WebhookReceipt.objects.get().processed_at is not None
    assert Order.objects.count() == 1
