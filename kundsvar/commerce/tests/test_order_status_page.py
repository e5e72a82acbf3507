"""The customer's order status page and the lookup form that leads to it
(rules O2, O4, O5, O6, O7, C2, T3)."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kundsvar.commerce import carriers
from kundsvar.commerce.links import order_status_url, status_path, status_token
from kundsvar.commerce.models import (
    Carrier,
    CommerceSettings,
    DeductionReason,
    LineStatus,
    Refund,
    RefundDeduction,
    RefundLine,
    Return,
    ReturnLine,
    ShipmentEvent,
    ShipmentStatus,
    ShippingMethod,
)
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.core.links import unsign
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_monday_23_november(time_machine):
    """The orders here are placed around NOW, their windows in the week after: the page
    tells the customer about them as seen on that Monday ("Expected 24 – 25 November", not a
    late parcel), whatever day the tests run on."""
    time_machine.move_to(NOW, tick=True)


@pytest.fixture
def shop():
    return ShopFactory(
        name="Nordbutiken", slug="nordbutiken", phone="08-123 456 00", languages=["sv", "en"]
    )


@pytest.fixture
def order(shop):
    return OrderFactory(
        shop=shop,
        number="10042",
        email="karin@example.se",
        postcode="11122",
        expected_from=date(2026, 11, 25),
        expected_to=date(2026, 11, 27),
    )


def page(client, order, **params):
    return client.get(status_path(order), params)


def text_of(response) -> str:
    # Babel 2.19 puts thin spaces around the dash of an interval; read them as spaces.
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_each_line_shows_its_status_in_plain_words(client, order):  # O2
    OrderLineFactory(order=order, name="Mössa", status=LineStatus.IN_STOCK)
    OrderLineFactory(
        order=order, name="Vinterjacka", status=LineStatus.WAITING, expected_at=date(2026, 12, 4)
    )
    OrderLineFactory(order=order, name="Vantar", status=LineStatus.SHIPPED)
    OrderLineFactory(order=order, name="Halsduk", status=LineStatus.DELIVERED)
    OrderLineFactory(order=order, name="Skor", status=LineStatus.RETURNED)

    text = text_of(page(client, order, lang="en"))

    assert "1 × Mössa In stock" in text
    assert "1 × Vinterjacka Waiting for goods Expected in stock Friday 4 December." in text
    assert "1 × Vantar Shipped" in text
    assert "1 × Halsduk Delivered" in text
    assert "1 × Skor Returned" in text
    # O3: the order's window (babel ≥ 2.19 spells the month out, with thin spaces
    # around the dash in English; text_of makes them plain spaces)
    assert "Expected delivery 25 – 27 November" in text


def test_a_line_waiting_without_a_date_says_we_send_it_when_it_arrives(client, order):  # O2
    OrderLineFactory(order=order, status=LineStatus.WAITING, expected_at=None)

    text = text_of(page(client, order, lang="en"))

    assert "We send it as soon as it arrives and tell you when it is on its way." in text


def test_parcel_has_carrier_tracking_link_phone_and_latest_events(client, order):  # O4
    Carrier.objects.update_or_create(
        code="postnord",
        defaults={
            "name": "PostNord",
            "tracking_url": "https://tracking.example/?id={number}",
            "phone": "0771-33 33 10",
            "phone_hours": "mån–fre 08–18",
        },
    )
    parcel = ShipmentFactory(
        order=order,
        carrier="postnord",
        carrier_name="",
        tracking_number="RR123456785SE",
        tracking_url="",
        expected_from=date(2026, 11, 24),
        expected_to=date(2026, 11, 25),
    )
    for hour, what in enumerate(["Label created", "Handed over", "At terminal", "Sorted"]):
        ShipmentEvent.objects.create(
            shipment=parcel,
            status=ShipmentStatus.IN_TRANSIT,
            happened_at=NOW + timedelta(hours=hour),
            description=what,
            location="Stockholm",
        )

    response = page(client, order, lang="en")
    html, text = response.content.decode(), text_of(response)

    link = carriers.tracking_link("postnord", "RR123456785SE")
    assert link
    assert f'href="{link}"' in html.replace("&amp;", "&")
    assert "Track the parcel at PostNord" in text
    assert "RR123456785SE" in text
    assert 'href="tel:+46771333310"' in html
    assert "PostNord customer service: 0771-33 33 10 (mån–fre 08–18)" in text
    assert "Expected 24 – 25 November" in text
    # The latest three events, newest first; the oldest is left out.
    assert text.index("Sorted") < text.index("At terminal") < text.index("Handed over")
    assert "Label created, Stockholm" not in text


def test_the_platforms_own_tracking_link_wins(client, order):  # O4
    ShipmentFactory(
        order=order,
        carrier="dhl",
        carrier_name="DHL Freight",
        tracking_number="JVGL0012345",
        tracking_url="https://dhl.example/t/JVGL0012345",
    )

    html = page(client, order, lang="en").content.decode()

    assert 'href="https://dhl.example/t/JVGL0012345"' in html
    assert "Track the parcel at DHL Freight" in html


def test_refund_is_itemised_and_adds_up(client, order):  # O6
    line = OrderLineFactory(order=order, name="Vantar", total_minor=8_000)
    ret = Return.objects.create(
        order=order, reason="För små", created_at=NOW, received_at=NOW + timedelta(days=2)
    )
    ReturnLine.objects.create(ret=ret, line=line, quantity=1)
    refund = Refund.objects.create(
        order=order,
        currency="SEK",
        paid_minor=8_000,
        deducted_minor=5_900,
        refunded_minor=2_100,
        method="Klarna",
        created_at=NOW + timedelta(days=3),
        paid_at=NOW + timedelta(days=3),
    )
    RefundLine.objects.create(refund=refund, line=line, description="Vantar", amount_minor=8_000)
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RETURN_SHIPPING,
        amount_minor=5_900,
        policy_text="Returfrakten 59 kr dras av när du ångrar ett köp (köpvillkor §7).",
    )

    text = text_of(page(client, order))  # Swedish: money as "80,00 kr"

    paid, deduction, refunded = "80,00 kr", "− 59,00 kr", "21,00 kr"
    assert text.index(paid) < text.index(deduction) < text.index(refunded)
    assert "Returfrakten 59 kr dras av när du ångrar ett köp (köpvillkor §7)." in text
    assert "1 × Vantar" in text
    assert "Klarna" in text


def test_refund_in_english_names_each_deduction(client, order):  # O6
    refund = Refund.objects.create(
        order=order,
        currency="SEK",
        paid_minor=8_000,
        deducted_minor=5_900,
        refunded_minor=2_100,
        created_at=NOW,
    )
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RETURN_SHIPPING,
        amount_minor=5_900,
        policy_text="Policy §7.",
    )

    text = text_of(page(client, order, lang="en"))

    assert "Refund being prepared" in text
    assert "Paid for the returned items SEK80.00" in text.replace("\xa0", " ")
    assert "− Return shipping Policy §7. − SEK59.00" in text.replace("\xa0", " ")
    assert "Refunded SEK21.00" in text.replace("\xa0", " ")


def test_return_policy_and_fee_are_always_shown(client, order, shop):  # O7
    CommerceSettings.objects.create(
        shop=shop,
        return_days=14,
        return_shipping_fee_minor=5_900,
        return_policy="Oanvända varor i originalförpackning.",
    )

    text = text_of(page(client, order, lang="en"))

    assert "You can return items within 14 days of receiving them." in text
    assert "Return shipping costs SEK59.00" in text.replace("\xa0", " ")
    assert "Oanvända varor i originalförpackning." in text


def test_free_returns_are_said_even_without_settings(client, order):  # O7
    text = text_of(page(client, order, lang="en"))

    assert "You can return items within 30 days of receiving them." in text
    assert "Returning is free of charge." in text


def test_christmas_last_order_dates_in_season(client, order, shop, monkeypatch):  # O5
    post = ShippingMethod.objects.create(shop=shop, code="mypack", name="PostNord MyPack")
    express = ShippingMethod.objects.create(shop=shop, code="express", name="Express")
    seen = {}

    def deadlines(for_shop, today):
        seen["args"] = (for_shop, today)
        return [(post, date(2026, 11, 20), True), (express, date(2026, 12, 21), False)]

    monkeypatch.setattr("kundsvar.commerce.delivery.christmas_deadlines", deadlines)

    with time_machine.travel(NOW):
        text = text_of(page(client, order, lang="en"))

    assert seen["args"] == (shop, date(2026, 11, 23))
    assert "Order by these dates for delivery before Christmas" in text
    assert "PostNord MyPack Friday 20 November (passed)" in text
    assert "Express Monday 21 December" in text


def test_no_christmas_section_out_of_season(client, order, shop, time_machine):  # O5
    ShippingMethod.objects.create(
        shop=shop, code="mypack", name="PostNord MyPack", christmas_last_order=date(2026, 12, 18)
    )
    time_machine.move_to(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))

    assert "Christmas" not in text_of(page(client, order, lang="en"))


def test_a_person_is_reachable_and_the_question_is_prefilled(client, order, shop):  # T3, C2
    response = page(client, order)
    html = unescape(response.content.decode())

    assert 'href="tel:+46812345600"' in html
    assert "mån–fre 08.00–17.00" in html
    ask = re.search(r'<a class="button primary" href="([^"]+)"', html).group(1)
    parts = urlsplit(ask)
    query = parse_qs(parts.query)
    assert parts.path == f"/s/{shop.slug}/"
    assert query["lang"] == ["sv"]
    assert unsign("contact", query["t"][0], max_age_days=1) == {
        "shop": shop.pk,
        "order": order.pk,
        "email": "karin@example.se",
        "name": "Karin Kund",
    }


def test_status_url_is_absolute_signed_and_opens_the_page(client, order, settings):  # O2
    settings.SITE_URL = "https://hjalp.nordbutiken.se"

    url = order_status_url(order)

    assert url.startswith("https://hjalp.nordbutiken.se/o/")
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "private" in response["Cache-Control"]


def test_tampered_token_is_404_and_reveals_nothing(client, order):
    token = status_token(order)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(reverse("commerce:status", args=[forged]))

    assert response.status_code == 404
    assert order.number not in response.content.decode()


def test_expired_token_is_404(client, order):
    with time_machine.travel(NOW, tick=False):
        path = status_path(order)
    with time_machine.travel(NOW + timedelta(days=119), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(NOW + timedelta(days=121), tick=False):
        response = client.get(path)
    assert response.status_code == 404
    assert order.number not in response.content.decode()


def test_swedish_by_default_english_when_asked(client, order):
    swedish = page(client, order, HTTP_ACCEPT_LANGUAGE="en")  # the order's language wins
    english = page(client, order, lang="en")

    assert '<html lang="sv">' in swedish.content.decode()
    assert "20 november 2026" in text_of(swedish)
    assert '<html lang="en">' in english.content.decode()
    assert "20 November 2026" in text_of(english)


def test_the_orders_language_is_preferred_over_the_browsers(client, shop):
    order = OrderFactory(shop=shop, language="en")

    response = client.get(status_path(order), HTTP_ACCEPT_LANGUAGE="sv")

    assert '<html lang="en">' in response.content.decode()


def lookup(client, shop, number, detail, ip="10.0.0.1", query=""):
    return client.post(
        reverse("commerce:lookup", args=[shop.slug]) + query,
        {"number": number, "detail": detail},
        REMOTE_ADDR=ip,
    )


def test_lookup_form_is_shown_with_labels(client, shop):
    response = client.get(reverse("commerce:lookup", args=[shop.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_number">' in html
    assert '<label for="id_detail">' in html


def test_lookup_by_email(client, shop, order):  # O2
    response = lookup(client, shop, "#10042", "  Karin@Example.se ")

    assert response.status_code == 302
    assert response["Location"].startswith("/o/")
    assert client.get(response["Location"]).status_code == 200
    assert response["Location"].split("?")[0] == response["Location"]


def test_lookup_by_postcode(client, shop, order):  # O2
    response = lookup(client, shop, "10042", "111 22")

    assert response.status_code == 302
    assert order.number in client.get(response["Location"]).content.decode()


def test_wrong_details_and_unknown_numbers_get_the_same_neutral_error(client, shop, order):
    wrong_email = lookup(client, shop, "10042", "someone@example.se", ip="10.0.0.2")
    wrong_postcode = lookup(client, shop, "10042", "99999", ip="10.0.0.3")
    unknown = lookup(client, shop, "99999", "karin@example.se", ip="10.0.0.4")

    def body(response):
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'value="[^"]*"', "", html)

    assert wrong_email.status_code == wrong_postcode.status_code == unknown.status_code == 200
    assert "Vi hittade ingen order med de uppgifterna." in text_of(wrong_email)
    assert body(wrong_email) == body(wrong_postcode) == body(unknown)


def test_another_shops_slug_cannot_open_this_shops_order(client, order):
    other = ShopFactory()

    response = lookup(client, other, order.number, order.email)

    assert response.status_code == 200
    assert "Vi hittade ingen order med de uppgifterna." in text_of(response)


def test_rate_limit_per_ip_then_a_kind_message(client, shop, order):
    for n in range(10):
        assert lookup(client, shop, f"9{n}", "karin@example.se").status_code == 200

    response = lookup(client, shop, order.number, order.email)  # even the right details

    assert response.status_code == 429
    text = text_of(response)
    assert "Försök igen om 15 minuter." in text
    assert "08-123 456 00" in text  # a person is still reachable (T3)
    assert lookup(client, shop, order.number, order.email, ip="10.9.9.9").status_code == 302


def test_rate_limit_per_order_number_across_ips(client, shop, order):
    for n in range(10):
        lookup(client, shop, order.number, f"guess{n}@example.se", ip=f"10.1.0.{n}")

    assert lookup(client, shop, order.number, order.email, ip="10.2.0.1").status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=16)):
        assert lookup(client, shop, order.number, order.email, ip="10.2.0.1").status_code == 302


def test_embed_flag_and_language_follow_the_customer(client, shop, order):
    response = lookup(client, shop, order.number, order.email, query="?embed=1&lang=en")

    location = response["Location"]
    assert parse_qs(urlsplit(location).query) == {"embed": ["1"], "lang": ["en"]}
    page_ = client.get(location)
    html = page_.content.decode()
    assert '<html lang="en">' in html
    assert 'class="public embed"' in html
    assert "X-Frame-Options" not in page_  # the widget shows it in an iframe
    assert page_["Content-Security-Policy"].startswith("frame-ancestors")
    ask = unescape(re.search(r'<a class="button primary" href="([^"]+)"', html).group(1))
    assert parse_qs(urlsplit(ask).query)["embed"] == ["1"]


def test_without_embed_the_page_cannot_be_framed(client, order):
    assert page(client, order)["X-Frame-Options"] == "DENY"


def test_lookup_works_inside_the_widgets_iframe_without_a_csrf_cookie(shop, order):
    # A third-party iframe does not get our SameSite CSRF cookie; the lookup changes nothing.
    client = Client(enforce_csrf_checks=True)

    response = lookup(client, shop, order.number, order.email, query="?embed=1")

    assert response.status_code == 302
