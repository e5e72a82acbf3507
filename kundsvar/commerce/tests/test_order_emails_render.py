"""Each proactive order email, rendered in Swedish and English (rules O1, O3–O6, O8,
A2, A3, T3)."""

import re
from datetime import UTC, date, datetime

import pytest

from kundsvar.commerce import carriers, emails
from kundsvar.commerce.models import (
    Carrier,
    DeductionReason,
    LineStatus,
    MessageKind,
    Refund,
    RefundDeduction,
    RefundLine,
    Return,
    ReturnLine,
    ShippingMethod,
)
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
SHOP = "kundtjanst@nordljus.example"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm

SUBJECTS = {
    "sv": {
        MessageKind.CONFIRMED: "Nordljus: Din order 10234 är bekräftad",
        MessageKind.WAITING: "Nordljus: Din order 10234 väntar på varor",
        MessageKind.SHIPPED: "Nordljus: Din order 10234 har skickats",
        MessageKind.DELAYED: "Nordljus: Din order 10234 är försenad",
        MessageKind.DELIVERED: "Nordljus: Din order 10234 har levererats",
        MessageKind.RETURN_RECEIVED: "Nordljus: Vi har tagit emot din retur – order 10234",
        MessageKind.REFUND_PAID: "Nordljus: Din återbetalning för order 10234 är gjord",
        MessageKind.CHECK_IN: "Nordljus: Är allt bra med din order 10234?",
    },
    "en": {
        MessageKind.CONFIRMED: "Nordljus: Your order 10234 is confirmed",
        MessageKind.WAITING: "Nordljus: Your order 10234 is waiting for goods",
        MessageKind.SHIPPED: "Nordljus: Your order 10234 has been shipped",
        MessageKind.DELAYED: "Nordljus: Your order 10234 is delayed",
        MessageKind.DELIVERED: "Nordljus: Your order 10234 has been delivered",
        MessageKind.RETURN_RECEIVED: "Nordljus: We have received your return – order 10234",
        MessageKind.REFUND_PAID: "Nordljus: Your refund for order 10234 has been paid",
        MessageKind.CHECK_IN: "Nordljus: Is everything well with your order 10234?",
    },
}


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def order():
    shop = ShopFactory(name="Nordljus", email=SHOP, phone="08-123 456 00")
    method = ShippingMethod.objects.create(
        shop=shop, code="mypack", name="MyPack Home", transit_min_days=1, transit_max_days=3
    )
    order = OrderFactory(
        shop=shop,
        number="10234",
        name="Karin Kund",
        shipping=method,
        placed_at=T0,
        currency="SEK",
        total_minor=8_000,
    )
    OrderLineFactory(order=order, name="Ullmössa", total_minor=8_000, unit_price_minor=8_000)
    Carrier.objects.update_or_create(
        code="postnord",
        defaults={
            "name": "PostNord",
            "phone": "0771-33 33 10",
            "phone_hours": "mån–fre 8–18",
            "tracking_url": "https://www.postnord.se/track-and-trace/{number}",
        },
    )
    return order


def objects(order) -> dict:
    """The object each kind is about."""
    shipment = ShipmentFactory(
        order=order, shipped_at=T0, expected_from=date(2026, 11, 24), expected_to=date(2026, 11, 26)
    )
    ret = Return.objects.create(order=order, created_at=T0, received_at=T0)
    ReturnLine.objects.create(ret=ret, line=order.lines.first())
    refund = Refund.objects.create(
        order=order,
        currency="SEK",
        paid_minor=8_000,
        deducted_minor=5_900,
        refunded_minor=2_100,
        created_at=T0,
        paid_at=T0,
        method="Klarna",
    )
    RefundLine.objects.create(
        refund=refund, line=order.lines.first(), description="Ullmössa", amount_minor=8_000
    )
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RETURN_SHIPPING,
        amount_minor=5_900,
        policy_text="Vid ångerrätt betalar du returfrakten, 59 kr.",
    )
    return {
        MessageKind.SHIPPED: shipment,
        MessageKind.DELAYED: shipment,
        MessageKind.DELIVERED: shipment,
        MessageKind.RETURN_RECEIVED: ret,
        MessageKind.REFUND_PAID: refund,
    }


def build(order, kind, obj=None, to="karin@example.se"):
    return emails.BUILDERS[kind](order, obj, to)


def bodies(built) -> tuple[str, str]:
    """Text and HTML, with babel's no-break spaces ("80,00\xa0kr") read as spaces."""
    return tuple(
        built.get_body((part,)).get_content().replace("\xa0", " ") for part in ("plain", "html")
    )


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_order_email_follows_the_subject_and_sender_rules(order, kind, language):
    # O1, A2, A3, T3
    order.language = language
    order.save()
    built = build(order, kind, objects(order).get(kind))
    subject = str(built["Subject"])
    assert subject == SUBJECTS[language][kind]  # A2: the shop and what it is about
    assert subject.strip() and "auto" not in subject.lower() and not subject.startswith("Re:")
    assert built["From"].addresses[0].addr_spec == SHOP  # A3: never noreply
    assert built["Reply-To"].addresses[0].addr_spec == SHOP  # a reply becomes a case
    assert built["From"].addresses[0].display_name == "Nordljus"
    assert built["To"].addresses[0].addr_spec == "karin@example.se"
    assert built["Auto-Submitted"] is None  # not an automatic reply to anything
    for body in bodies(built):
        assert "08-123 456 00" in body  # T3: a person is reachable
        assert "10234" in body
        assert ("Hej Karin!" if language == "sv" else "Hi Karin,") in body


def test_the_confirmation_gives_the_delivery_estimate(order):  # O1, O3
    order.expected_from, order.expected_to = date(2026, 12, 1), date(2026, 12, 3)
    order.save()
    text, html = bodies(build(order, MessageKind.CONFIRMED))
    for body in (text, html):
        assert "Beräknad leverans: tisdag 1 december – torsdag 3 december." in body
        assert "Ullmössa" in body and "80,00 kr" in body


def test_the_confirmation_computes_the_window_when_none_is_stored(order):  # O3
    order.language = "en"
    order.save()
    text, _html = bodies(build(order, MessageKind.CONFIRMED))
    assert "Expected delivery: Tuesday 24 November – Thursday 26 November." in text


def test_waiting_for_goods_names_the_items_and_the_new_date(order):  # O1
    OrderLineFactory(
        order=order, name="Vantar", status=LineStatus.WAITING, expected_at=date(2026, 12, 3)
    )
    text, html = bodies(build(order, MessageKind.WAITING))
    for body in (text, html):
        assert "Vantar" in body and "väntas in i lager torsdag 3 december" in body
        assert "Ullmössa" not in body  # in stock: not part of this message
        assert "Ny beräknad leverans: måndag 7 december – onsdag 9 december." in body


def test_the_shipped_email_links_the_tracking_page_and_the_carriers_phone(order):  # O4
    shipment = objects(order)[MessageKind.SHIPPED]
    text, html = bodies(build(order, MessageKind.SHIPPED, shipment))
    link = carriers.tracking_link("postnord", shipment.tracking_number)
    assert link and shipment.tracking_number in link
    phone = carriers.carrier_for("postnord").phone
    for body in (text, html):
        assert link in body
        assert f"PostNord kundtjänst: {phone}" in body
        assert f"Kollinummer: {shipment.tracking_number}" in body
        assert "tisdag 24 november – torsdag 26 november" in body


def test_a_tracking_link_sent_by_the_platform_wins(order):  # O4
    shipment = ShipmentFactory(order=order, tracking_url="https://track.example/abc")
    text, _html = bodies(build(order, MessageKind.SHIPPED, shipment))
    assert "https://track.example/abc" in text


def test_the_refund_breakdown_adds_up_with_its_policy_line(order):  # O6
    refund = objects(order)[MessageKind.REFUND_PAID]
    text, html = bodies(build(order, MessageKind.REFUND_PAID, refund))
    for body in (text, html):
        assert "Betalt 80,00 kr − returfrakt 59,00 kr = återbetalt 21,00 kr" in body
        assert "Vid ångerrätt betalar du returfrakten, 59 kr." in body
        assert "Klarna" in body


def test_the_refund_breakdown_adds_up_with_several_deductions_in_english(order):  # O6
    order.language = "en"
    order.save()
    refund = Refund.objects.create(
        order=order,
        currency="SEK",
        paid_minor=129_900,
        deducted_minor=10_900,
        refunded_minor=119_000,
        created_at=T0,
        paid_at=T0,
    )
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RETURN_SHIPPING,
        amount_minor=5_900,
        policy_text="Return shipping is yours.",
    )
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RESTOCKING,
        amount_minor=5_000,
        policy_text="Opened items: 50 kr.",
    )
    text, _html = bodies(build(order, MessageKind.REFUND_PAID, refund))
    equation = next(line for line in text.splitlines() if line.startswith("Paid "))
    amounts = [float(a.replace(",", "")) for a in re.findall(r"SEK([\d,.]+)", equation)]
    paid, *deducted, refunded = amounts
    assert round(paid - sum(deducted), 2) == refunded == 1190.0
    assert "− return shipping SEK59.00 − restocking fee SEK50.00" in equation
    assert "Opened items: 50 kr." in text


def test_the_status_page_link_only_when_there_is_one(order, monkeypatch):  # O1, A5
    monkeypatch.setattr(emails.links, "order_status_url", lambda order: "")
    text, html = bodies(build(order, MessageKind.CONFIRMED))
    assert "Följ din order" not in text + html
    monkeypatch.setattr(
        emails.links, "order_status_url", lambda order: "https://kundsvar.example/o/abc"
    )
    text, html = bodies(build(order, MessageKind.CONFIRMED))
    assert "Följ din order: https://kundsvar.example/o/abc" in text
    assert 'href="https://kundsvar.example/o/abc"' in html


def test_christmas_last_order_dates_in_season(order, time_machine):  # O5
    ShippingMethod.objects.filter(pk=order.shipping_id).update(
        christmas_last_order=date(2026, 12, 18)
    )
    text, html = bodies(build(order, MessageKind.CONFIRMED))
    for body in (text, html):
        assert "MyPack Home: beställ senast fredag 18 december" in body
    time_machine.move_to(datetime(2026, 12, 19, 9, 0, tzinfo=UTC), tick=False)
    text, _html = bodies(build(order, MessageKind.CONFIRMED))
    assert "beställ senast" not in text  # passed: not offered any more


def test_no_christmas_dates_out_of_season(order, time_machine):  # O5
    ShippingMethod.objects.filter(pk=order.shipping_id).update(
        christmas_last_order=date(2026, 12, 18)
    )
    time_machine.move_to(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), tick=False)
    text, _html = bodies(build(order, MessageKind.CONFIRMED))
    assert "jul" not in text


def test_the_language_falls_back_to_the_customer_then_the_shop(order):  # R7
    from kundsvar.customers.models import Customer

    order.language = ""
    order.customer = Customer.objects.create(shop=order.shop, name="James", language="en")
    order.save()
    assert emails.order_language(order) == "en"
    order.customer = None
    order.shop.language = "da"
    assert emails.order_language(order) == "da"
    subject = str(build(order, MessageKind.SHIPPED, ShipmentFactory(order=order))["Subject"])
    assert subject == "Nordljus: Din ordre 10234 er afsendt"


def test_the_check_in_offers_help_with_the_product(order):  # O8
    text, html = bodies(build(order, MessageKind.CHECK_IN))
    for body in (text, html):
        assert "Ullmössa" in body
        assert "en person på vår kundtjänst svarar dig" in body
        assert "Du kan returnera varor inom 30 dagar." in body
