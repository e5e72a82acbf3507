"""Spam protection without third-party captchas, and never at a real person's expense:
a rejected submission comes back with everything typed and a clear message."""

from datetime import timedelta

import pytest

from kundsvar.cases.models import Case
from kundsvar.core import ratelimit

from .conftest import fill, session_token

pytestmark = pytest.mark.django_db


def test_honeypot_is_rejected_and_the_text_kept(client, shop, clock):
    data = fill(client, clock, shop, homepage="http://spam.example")
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "looked automated" in html
    assert "När kommer min jacka?" in html
    assert 'name="homepage" id="id_homepage" value=""' in html  # emptied for the retry
    assert not Case.objects.exists()


def test_too_fast_is_rejected_then_accepted_on_a_second_try(client, shop, clock):
    page = client.get(f"/s/{shop.slug}/")
    clock.shift(timedelta(seconds=1))
    data = {
        "session": session_token(page),
        "name": "Karin",
        "email": "karin@example.se",
        "message": "Var är mitt paket?",
        "homepage": "",
    }
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 400
    assert "very quick" in response.content.decode()
    assert not Case.objects.exists()
    # The person reads the message and presses Send again with the page they were given.
    clock.shift(timedelta(seconds=10))
    retry = client.post(f"/s/{shop.slug}/?lang=en", {**data, "session": session_token(response)})
    assert retry.status_code == 302
    assert Case.objects.count() == 1


def test_post_without_the_form_token_is_rejected(client, shop, clock):
    data = fill(client, clock, shop)
    del data["session"]
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 400
    assert "press Send again" in response.content.decode()
    assert not Case.objects.exists()


def test_form_token_of_another_shop_is_rejected(client, shop, clock):
    from kundsvar.shops.tests.factories import ShopFactory

    other = ShopFactory(slug="annan")
    data = fill(client, clock, other)
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 400


def test_an_old_page_is_still_sendable(client, shop, clock):  # if in doubt, accept
    data = fill(client, clock, shop)
    clock.shift(timedelta(days=2))
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 302


def test_rate_limit_per_ip(client, shop, clock, settings):
    settings.CONTACT_FORM_RATE_LIMIT = 2
    for n in range(2):
        data = fill(client, clock, shop, message=f"Fråga nummer {n} om min order")
        assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 302
    data = fill(client, clock, shop, message="Fråga nummer tre om min order")
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 429
    assert "Fråga nummer tre" in response.content.decode()
    assert Case.objects.count() == 2
    # Another address is not affected, and the window passes.
    other = client.post(f"/s/{shop.slug}/?lang=en", data, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    clock.shift(timedelta(seconds=ratelimit.WINDOW + 1))
    data = fill(client, clock, shop, message="Fråga nummer fyra om min order")
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 302
