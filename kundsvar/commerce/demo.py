"""Demo orders for the demo shop, made through the commerce services.

`add_demo_orders(shop, customers, now)` writes with `notify=False`: no proactive message
is sent (or queued) for demo data. `customers` are the demo's customers in the order of
`kundsvar.demo.shop.CUSTOMERS` (Karin, Erik, Sofia, Mohammed, Lena, Oskar, Maja, Johan,
Ingrid, Mette, James, Aino); order numbers match the ones the demo cases mention.
"""

from datetime import datetime, timedelta

from kundsvar.commerce import services
from kundsvar.commerce.models import (
    CommerceSettings,
    DeductionReason,
    LineStatus,
    Order,
    OrderStatus,
    Platform,
    ShippingMethod,
)
from kundsvar.commerce.records import (
    DeductionData,
    ItemRef,
    LineData,
    OrderData,
    RefundData,
    RefundLineData,
    ReturnData,
    ShipmentData,
)

RETURN_POLICY = (
    "Öppet köp i 30 dagar. Ångrar du ett köp betalar du returfrakten, 59 kr, "
    "som dras av från återbetalningen. Reklamationer är alltid fria."
)
RETURN_SHIPPING_POLICY = "Vid ångerköp betalar kunden returfrakten (59 kr), enligt köpvillkor §7."
METHODS = [
    # code, name, carrier, fewest/most working days
    ("postnord_ombud", "PostNord Ombud", "postnord", 1, 3),
    ("postnord_home", "PostNord MyPack Home", "postnord", 1, 2),
    ("budbee_home", "Budbee hemleverans", "budbee", 1, 2),
]

# (customer index, number, days ago, product lines, story, method code)
# Lines: (sku, name, quantity, price in kronor).
ORDERS = [
    (
        0,
        "100231",
        3,
        [("JK-200-M", "Vinterjacka Fjäll, grön, M", 1, 1899)],
        "waiting",
        "postnord_home",
    ),
    (
        4,
        "100244",
        9,
        [("KU-45-BL", "Kuddfodral linne, blå, 45×45", 2, 229)],
        "delivered",
        "postnord_ombud",
    ),
    (
        10,
        "100212",
        8,
        [("MT-160-GR", "Ullmatta Sten, 160×230", 1, 2495)],
        "shipped",
        "postnord_ombud",
    ),
    (9, "100260", 6, [("TR-STR-L", "Strikket trøje, L", 1, 699)], "shipped", "postnord_ombud"),
    (
        3,
        "100250",
        1,
        [("LA-01", "Bordslampa Glöd, mässing", 1, 1249), ("GL-E27", "LED-lampa E27 2700K", 2, 79)],
        "in_stock",
        "budbee_home",
    ),
    (3, "100198", 21, [("PL-12", "Pläd ull, grå", 1, 899)], "delivered", "postnord_home"),
    (5, "100236", 16, [("SO-40", "Ullsockor, 40–42", 1, 80)], "refunded", "postnord_ombud"),
    (
        10,
        "100270",
        0,
        [("MT-80-BE", "Ullmatta Sten, 80×150, beige", 1, 1195)],
        "placed",
        "postnord_ombud",
    ),
]
# UPU S10 numbers with valid check digits, as PostNord prints them.
TRACKING = {
    "100212": "RR123456785SE",
    "100260": "RR987654326SE",
    "100244": "RR555444339SE",
    "100198": "RR111222332SE",
    "100236": "RR246813576SE",
}


def add_demo_orders(shop, customers, now: datetime) -> list[Order]:
    """About eight orders in every state: in stock, waiting for goods (with a date),
    shipped with a PostNord tracking number, delivered, returned and refunded
    (paid 80 kr − return shipping 59 kr = 21 kr). Sends nothing."""
    _settings(shop)
    orders = []
    for index, number, days_ago, lines, story, method in ORDERS:
        customer = customers[index % len(customers)]
        orders.append(
            _order(
                shop, customer, number, now - timedelta(days=days_ago), lines, story, method, now
            )
        )
    return orders


def _settings(shop) -> None:
    settings = CommerceSettings.for_shop(shop)
    if not settings.return_policy:
        settings.return_policy = RETURN_POLICY
        settings.return_shipping_fee_minor = 5900
        settings.save(update_fields=["return_policy", "return_shipping_fee_minor"])
    for code, name, carrier, fewest, most in METHODS:
        ShippingMethod.objects.get_or_create(
            shop=shop,
            code=code,
            defaults={
                "name": name,
                "carrier": carrier,
                "transit_min_days": fewest,
                "transit_max_days": most,
            },
        )


def _order(shop, customer, number, placed, lines, story, method, now) -> Order:
    line_data = [
        LineData(
            external_id=f"{number}-{i}",
            sku=sku,
            name=name,
            quantity=qty,
            unit_price_minor=price * 100,
            total_minor=price * 100 * qty,
            tax_minor=price * 100 * qty // 5,
            vat_rate=25,
            status=LineStatus.WAITING if story == "waiting" else None,
            expected_at=(now + timedelta(days=6)).date() if story == "waiting" else None,
            supplier_lead_days=6 if story == "waiting" else None,
        )
        for i, (sku, name, qty, price) in enumerate(lines, start=1)
    ]
    shipping = 0 if method == "postnord_ombud" else 4900
    total = sum(line.total_minor for line in line_data) + shipping
    order = services.save_order(
        shop,
        OrderData(
            external_id=f"demo-{number}",
            number=number,
            placed_at=placed,
            updated_at=placed,
            email=customer.primary_email,
            name=customer.name,
            phone="070-123 45 67" if story == "in_stock" else "",
            postcode="11122",
            country="SE",
            language=customer.language or "sv",
            status=OrderStatus.PLACED if story == "placed" else OrderStatus.CONFIRMED,
            financial_status="paid",
            currency="SEK",
            subtotal_minor=total - shipping,
            shipping_minor=shipping,
            tax_minor=total // 5,
            total_minor=total,
            payment_method="Klarna",
            shipping_code=method,
            shipping_method=dict((m[0], m[1]) for m in METHODS)[method],
            lines=line_data,
        ),
        platform=Platform.IMPORT,
        notify=False,
    )
    if story in ("shipped", "delivered", "refunded"):
        parcel = services.save_shipment(
            order,
            ShipmentData(
                external_id=f"demo-{number}-1",
                tracking_number=TRACKING[number],
                carrier="postnord",
                carrier_name="PostNord",
                shipped_at=placed + timedelta(hours=20),
                lines=[
                    ItemRef(line_external_id=line.external_id, quantity=line.quantity)
                    for line in line_data
                ],
            ),
            notify=False,
        )
        if story != "shipped":
            services.mark_delivered(parcel, placed + timedelta(days=2, hours=6), notify=False)
    if story == "refunded":
        _return_and_refund(order, line_data[0], placed)
    order.refresh_from_db()
    return order


def _return_and_refund(order, line: LineData, placed) -> None:
    received = placed + timedelta(days=9)
    services.save_return(
        order,
        ReturnData(
            external_id=f"demo-{order.number}-r",
            created_at=placed + timedelta(days=5),
            reason="Ångrat köp",
            received_at=received,
            lines=[ItemRef(line_external_id=line.external_id)],
        ),
        notify=False,
    )
    services.save_refund(
        order,
        RefundData(
            external_id=f"demo-{order.number}-rf",
            created_at=received + timedelta(days=1),
            paid_at=received + timedelta(days=1),
            method="Klarna",
            lines=[
                RefundLineData(
                    description=line.name,
                    amount_minor=line.total_minor,
                    line_external_id=line.external_id,
                )
            ],
            deductions=[
                DeductionData(
                    reason=DeductionReason.RETURN_SHIPPING,
                    amount_minor=5900,
                    policy_text=RETURN_SHIPPING_POLICY,
                )
            ],
        ),
        notify=False,
    )
