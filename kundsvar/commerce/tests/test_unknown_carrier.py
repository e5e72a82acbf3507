"""A parcel from a carrier we have no row for (Shopify's free-text `tracking_company`)
shows the name as received, its tracking number and link, and no phone (rule O4) —
in the agent's panel, on the order page, in the emails and in the acknowledgement."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce import emails
from kundsvar.commerce.links import status_path
from kundsvar.commerce.matching import link_confirmed
from kundsvar.commerce.models import CommerceSettings, Order, Shipment
from kundsvar.commerce.panels import order_summary
from kundsvar.commerce.tests.webhooks import SHOPIFY_FIXTURES, post_shopify
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
SECRET = "hush-shopify"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CARRIER = "Bäst Express Logistik"
URL = "https://track.bastexpress.example/BX998877"


@pytest.fixture
def order(client, shop, monkeypatch):
    monkeypatch.setattr(
        "kundsvar.commerce.proactive.on_change", lambda order, kind, *, obj=None, now=None: None
    )
    body = json.loads((SHOPIFY_FIXTURES / "order.json").read_text())
    post_shopify(client, shop, "orders/create", body, secret=SECRET)
    parcel = json.loads((SHOPIFY_FIXTURES / "fulfillment.json").read_text())
    parcel["fulfillment"].update(
        tracking_company=CARRIER,
        tracking_number="BX998877",
        tracking_numbers=["BX998877"],
        tracking_url=URL,
        tracking_urls=[URL],
    )
    response = post_shopify(client, shop, "fulfillments/create", parcel, secret=SECRET)
    assert response.json()["state"] == "processed"
    shipment = Shipment.objects.get()
    assert (shipment.carrier, shipment.carrier_name) == ("", CARRIER)
    return Order.objects.get()


@pytest.fixture
def shop():
    shop = ShopFactory(slug="butik")
    CommerceSettings.objects.create(shop=shop, shopify_secret=SECRET)
    return shop


def test_the_case_with_an_unknown_carrier_opens(client, shop, order):  # O4
    case = open_email_case(shop, T0, sender=order.email, subject="Paketet?")
    link_confirmed(case, order, now=T0)
    client.force_login(AgentFactory(shops=[shop], language="en"))
    response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert CARRIER in page
    assert f'href="{URL}"' in page
    assert "customer service:" not in page


def test_the_order_page_names_the_unknown_carrier(client, order):  # O4
    response = client.get(status_path(order), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert CARRIER in page
    assert "BX998877" in page
    assert f'href="{URL}"' in page
    assert 'class="carrier-phone"' not in page


def test_emails_and_the_ack_name_the_unknown_carrier(order):  # O4
    shipment = Shipment.objects.get()
    message = emails.order_shipped(order, shipment, to=order.email)
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert CARRIER in body
        assert URL in body
        assert "customer service" not in body and "kundtjänst:" not in body
    parcels = order_summary(order, "sv")["parcels"]
    assert parcels == [{"carrier": CARRIER, "number": "BX998877", "url": URL, "phone": ""}]
