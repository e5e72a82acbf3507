import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine

from kundsvar.commerce.models import CommerceSettings, LineStatus, OrderStatus
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shopper import identity, services
from kundsvar.shops.tests.factories import ShopFactory

# Monday 23 November 2026, 10:00 in Stockholm: the shop is open.
MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(db):
    shop = ShopFactory(
        name="Nordljus",
        slug="nordljus",
        email="kundtjanst@nordljus.example",
        phone="08-123 456 00",
        website="https://www.nordljus.se",
    )
    CommerceSettings.objects.create(shop=shop, return_days=30, return_shipping_fee_minor=4900)
    return shop


@pytest.fixture
def orders(shop):
    """Anna's two orders: a jacket shipped, mittens waiting for goods; and someone else's."""
    shipped = OrderFactory(
        shop=shop,
        number="1042",
        email="anna@example.se",
        name="Anna Svensson",
        status=OrderStatus.SHIPPED,
        placed_at=MONDAY_10 - timedelta(days=3),
    )
    OrderLineFactory(order=shipped, name="Vinterjacka", status=LineStatus.SHIPPED)
    ShipmentFactory(order=shipped, tracking_number="RR123456785SE")
    waiting = OrderFactory(
        shop=shop,
        number="1050",
        email="anna@example.se",
        name="Anna Svensson",
        placed_at=MONDAY_10 - timedelta(days=1),
    )
    OrderLineFactory(
        order=waiting,
        name="Vantar",
        status=LineStatus.WAITING,
        expected_at=(MONDAY_10 + timedelta(days=10)).date(),
    )
    OrderFactory(shop=shop, number="2001", email="eva@example.se", placed_at=MONDAY_10)
    return shipped, waiting


def signed(
    shop, email="anna@example.se", name="Anna Svensson", external_id="1001", hours=24, **changed
):
    """The query the widget passes into its frame for a shopper the shop's site signed."""
    secret = services.settings_for(shop).secret
    expires = int((MONDAY_10 + timedelta(hours=hours)).timestamp())
    fields = {
        "ks_email": email,
        "ks_name": name,
        "ks_id": external_id,
        "ks_expires": str(expires),
        "ks_sig": identity.signature(secret, email, external_id, expires, name),
    }
    fields.update(changed)
    return urlencode(fields)


def token_in(html: str) -> str:
    found = re.search(r"[?&;]t=([^&\"#]+)", html)
    assert found, "no prefill token in the page"
    return found.group(1)
