"""The contact page's "ring mig" (C1, S5): the number is always visible, and next to it a
short form asks for a callback; the customer gets the promised time from the promise
engine ("Vi ringer dig senast 11.00") and a callback case is in the queue."""

from datetime import timedelta

import pytest

from kundsvar.cases.models import Case
from kundsvar.channels.phone.models import Callback, Source
from kundsvar.sla.models import ResponsePolicy

from .conftest import session_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def hour(shop):
    return ResponsePolicy.objects.create(
        shop=shop, channel="phone", first_response_minutes=60, follow_up_minutes=30
    )


def ask(client, clock, shop, query="?lang=sv", **fields):
    page = client.get(f"/s/{shop.slug}/{query}")
    clock.shift(timedelta(seconds=20))
    data = {
        "session": session_token(page),
        "homepage": "",
        "cb_number": "070-123 45 67",
        "cb_name": "Karin Lindqvist",
        "cb_note": "Om min retur",
        **fields,
    }
    return page, client.post(f"/s/{shop.slug}/callback/{query}", data, follow=True)


def test_the_contact_page_offers_a_callback_with_its_promised_time(client, shop, clock, hour):
    page = client.get(f"/s/{shop.slug}/?lang=sv").content.decode()
    assert 'href="tel:+46812345600"' in page  # the number first (C1)
    assert "Hellre bli uppringd? Vi ringer upp dig senast 11.00." in page  # Monday 10:00
    assert f'action="/s/{shop.slug}/callback/?lang=sv"' in page and 'name="cb_number"' in page


def test_a_callback_request_becomes_a_phone_case_and_the_page_says_when(
    client, shop, clock, hour
):  # S5, A4
    _page, thanks = ask(client, clock, shop)
    assert thanks.status_code == 200
    text = thanks.content.decode()
    callback = Callback.objects.get()
    assert "Vi ringer dig senast 11.00 på +46701234567." in text
    assert str(callback.case.number) in text
    assert callback.source == Source.CONTACT_PAGE and callback.case.channel == "phone"
    assert callback.case.customer.name == "Karin Lindqvist"
    assert callback.case.messages.get().body_text == "Om min retur"


def test_closed_the_page_says_when_we_call_back(client, shop, clock, hour):
    clock.move_to("2026-11-23T19:00:00+00:00")  # 20:00 in Stockholm: closed
    page = client.get(f"/s/{shop.slug}/?lang=sv").content.decode()
    assert "Lämna ditt nummer så ringer vi upp dig senast tisdag 24 november kl. 09.00." in page


def test_at_a_peak_the_page_says_so_and_puts_the_callback_first(client, shop, clock, hour):
    from kundsvar.channels.phone.callbacks import request_callback

    for n in range(6):  # more callbacks waiting than one agent phone can take soon
        request_callback(shop, f"07012345{n:02d}")
    page = client.get(f"/s/{shop.slug}/?lang=sv").content.decode()
    assert "Många ringer oss just nu och väntetiden är lång." in page
    assert '<details class="callback-request" id="callback" open>' in page


def test_a_bad_number_or_a_robot_gets_the_page_again_and_no_case(client, shop, clock, hour):
    _page, again = ask(client, clock, shop, cb_number="12")
    assert (
        again.status_code == 400
        and "Ange ett telefonnummer som vi kan ringa." in again.content.decode()
    )
    _page, robot = ask(client, clock, shop, homepage="http://spam.example")
    assert robot.status_code == 400
    assert not Case.objects.exists()


def test_the_english_page_promises_in_english(client, shop, clock, hour):
    _page, thanks = ask(client, clock, shop, query="?lang=en")
    assert "We will call you by 11:00 on +46701234567." in thanks.content.decode()


def test_the_widget_offers_the_callback_beside_the_number(client, shop):
    page = client.get(f"/s/{shop.slug}/help/?lang=sv").content.decode()
    assert "Ring upp mig" in page and f"/s/{shop.slug}/?embed=1&amp;lang=sv#callback" in page
