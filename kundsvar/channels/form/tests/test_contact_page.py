"""The contact page: a person is always one tap away (rules C1, T3), and it says when an
answer would come if you wrote now (A4)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from kundsvar.commerce.models import ShippingMethod
from kundsvar.sla.models import ResponsePolicy

from .conftest import MONDAY_10

pytestmark = pytest.mark.django_db


def page(client, shop, query="?lang=sv"):
    response = client.get(f"/s/{shop.slug}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_phone_number_is_a_big_tel_link(client, shop):  # C1
    html = page(client, shop)
    assert '<a class="phone-number" href="tel:+46812345600">08-123 456 00</a>' in html
    assert "Toll-free" not in html and "Avgiftsfritt" not in html


def test_toll_free_number_says_so(client, shop):  # C1
    shop.phone, shop.phone_is_free = "020-12 34 56", True
    shop.save()
    html = page(client, shop, "?lang=en")
    assert 'href="tel:+4620123456"' in html
    assert "Toll-free" in html


def test_email_address_is_a_mailto_link(client, shop):  # C1
    assert 'href="mailto:kundtjanst@nordljus.example"' in page(client, shop)


def test_open_now_with_hours(client, shop, clock):  # C1
    html = page(client, shop, "?lang=en")
    assert "Open now, until 17:00" in html
    assert "Mon–Fri 08:00–17:00" in html


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "Closed now. Opens today at 08:00"),
        (datetime(2026, 11, 24, 17, 30, tzinfo=UTC), "Closed now. Opens tomorrow at 08:00"),
        (datetime(2026, 11, 27, 17, 30, tzinfo=UTC), "Closed now. Opens Monday at 08:00"),
    ],
)
def test_closed_says_when_it_opens(client, shop, moment, text):  # C1
    with time_machine.travel(moment, tick=False):
        assert text in page(client, shop, "?lang=en")


def test_opening_follows_holidays(client, shop):  # C1: julafton and juldagen are closed
    with time_machine.travel(datetime(2026, 12, 23, 17, 0, tzinfo=UTC), tick=False):
        html = page(client, shop, "?lang=en")
    assert "Closed now. Opens Monday at 08:00" in html  # 24–26 Dec closed, 27th a Sunday


def test_response_time_is_the_engines_promise(client, shop, clock):  # A4
    html = page(client, shop, "?lang=en")
    # 10:00 Monday + 6 working hours = 16:00 the same day.
    assert "by Monday 23 November at 16:00" in html


def test_response_time_in_swedish(client, shop, clock):  # A4
    assert "senast måndag 23 november kl. 16.00" in page(client, shop, "?lang=sv")


def test_channels_with_different_policies_get_their_own_promise(client, shop, clock):  # A4
    ResponsePolicy.objects.create(shop=shop, channel="email", first_response_minutes=120)
    html = page(client, shop, "?lang=en")
    assert (
        "Write now with the form below and you get an answer by Monday 23 November at "
        "16:00." in html
    )
    assert "Email us now and you get an answer by Monday 23 November at 12:00." in html


def test_no_phone_no_phone_block(client, shop):  # C1: nothing half-shown
    shop.phone = ""
    shop.save()
    assert 'class="phone-number"' not in page(client, shop)


def test_embed_hides_the_header(client, shop):
    html = page(client, shop, "?embed=1")
    assert 'class="public-top"' not in html
    assert 'action="?lang=sv&amp;embed=1"' in html


def test_language_links_keep_the_prefill_token(client, shop):
    shop.languages = ["sv", "en"]
    shop.save()
    html = page(client, shop, "?lang=en&t=abc")
    assert 'href="?lang=sv&amp;t=abc"' in html


def test_christmas_deadlines_in_season(client, shop, monkeypatch):  # O5
    method = ShippingMethod(shop=shop, name="PostNord Ombud")
    calls = []

    def deadlines(given_shop, today):
        calls.append(today)
        return [(method, date(2026, 12, 18), False)]

    monkeypatch.setattr("kundsvar.commerce.delivery.christmas_deadlines", deadlines)
    with time_machine.travel(MONDAY_10, tick=False):
        html = page(client, shop, "?lang=en")
    assert calls == [date(2026, 11, 23)]
    assert "PostNord Ombud: order by Friday 18 December" in html


def test_no_christmas_block_out_of_season(client, shop):  # O5
    assert "christmas" not in page(client, shop)


def test_unknown_shop_is_404(client, db):
    assert client.get("/s/nobody/").status_code == 404


def test_page_works_after_the_sunday_before(client, shop):  # S1 ceiling respected on page
    with time_machine.travel(MONDAY_10 - timedelta(days=1), tick=False):
        html = page(client, shop, "?lang=en")
    # Sunday 10:00: first open time Monday 08:00, six working hours later 14:00, but the
    # 24-hour ceiling pulls it back to Monday 10:00.
    assert "by Monday 23 November at 10:00" in html
