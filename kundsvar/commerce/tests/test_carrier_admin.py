"""O4: a superuser edits carriers in the admin; commerce records are shown read-only."""

import pytest
from django.urls import reverse

from kundsvar.accounts.models import Agent
from kundsvar.commerce.models import Carrier, OrderLine, WebhookReceipt
from kundsvar.commerce.tests.factories import OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    root = Agent.objects.create_superuser("root", "root@example.se", "pw")
    client.force_login(root)
    return client


def test_carrier_list_filters_on_verified(admin_client):  # O4
    url = reverse("admin:commerce_carrier_changelist")
    page = admin_client.get(url, {"verified__exact": "0"}).content.decode()
    assert "Airmee" in page
    assert "UPS" not in page


def test_admin_edits_a_carrier(admin_client):  # O4
    carrier = Carrier.objects.get(code="earlybird")
    url = reverse("admin:commerce_carrier_change", args=[carrier.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "code": "earlybird",
            "name": "Early Bird",
            "phone": "010-000 00 00",
            "phone_hours": "vardagar 07–16",
            "countries": '["SE"]',
            "verified": "on",
            "tracking_url": "https://earlybird.example/spara/{number}",
            "source": "Eget avtal",
        },
    )
    assert response.status_code == 302
    carrier.refresh_from_db()
    assert (carrier.phone, carrier.verified) == ("010-000 00 00", True)


def test_commerce_records_are_read_only(admin_client):
    shop = ShopFactory()
    line = OrderLineFactory(order__shop=shop)
    shipment = ShipmentFactory(order=line.order)
    receipt = WebhookReceipt.objects.create(
        shop=shop,
        platform="shopify",
        webhook_id="w1",
        topic="orders/updated",
        body=b'{"id": 4711}',
        received_at=line.order.placed_at,
    )
    for name, obj in [("order", line.order), ("shipment", shipment), ("webhookreceipt", receipt)]:
        change = admin_client.get(reverse(f"admin:commerce_{name}_change", args=[obj.pk]))
        assert change.status_code == 200, name
        assert admin_client.get(reverse(f"admin:commerce_{name}_add")).status_code == 403
    order_page = admin_client.get(
        reverse("admin:commerce_order_change", args=[line.order.pk])
    ).content.decode()
    assert "RR123456785SE" in order_page and "Vinterjacka" in order_page
    assert (
        "&quot;id&quot;: 4711"
        in admin_client.get(
            reverse("admin:commerce_webhookreceipt_change", args=[receipt.pk])
        ).content.decode()
    )
    assert OrderLine.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "order",
        "shipment",
        "refund",
        "shippingmethod",
        "webhookreceipt",
        "caseorder",
        "ordermessage",
        "carrier",
    ],
)
def test_every_commerce_list_opens(admin_client, name):
    assert admin_client.get(reverse(f"admin:commerce_{name}_changelist")).status_code == 200
