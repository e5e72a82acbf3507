from datetime import UTC, datetime

import factory

from kundsvar.commerce.models import (
    Order,
    OrderLine,
    OrderStatus,
    Platform,
    Shipment,
    ShipmentStatus,
)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    platform = Platform.IMPORT
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    number = factory.Sequence(lambda n: str(10_000 + n))
    email = "kund@example.se"
    name = "Karin Kund"
    postcode = "11122"
    country = "SE"
    language = "sv"
    placed_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    status = OrderStatus.CONFIRMED
    currency = "SEK"
    total_minor = 79_900
    tax_minor = 15_980
    shipping_method = "PostNord MyPack Home"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = "Vinterjacka"
    quantity = 1
    unit_price_minor = 79_900
    total_minor = 79_900
    tax_minor = 15_980
    vat_rate = "25.00"


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    carrier = "postnord"
    carrier_name = "PostNord"
    tracking_number = "RR123456785SE"
    status = ShipmentStatus.IN_TRANSIT
    shipped_at = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
