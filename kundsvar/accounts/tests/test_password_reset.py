"""'Forgot your password?' on the login page: a link by email through the staff outbox,
the same answer for any address (no one learns who is an agent), a link that works once
and for an hour, limits per client address and per agent address, the new password
hashed with argon2, and a login lockout opened by the reset."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .conftest import PASSWORD

NEW = "Ny-lösen-2026-kundsvar"


@pytest.fixture
def bob(db):
    shop = ShopFactory(name="Nordljus", email="kundtjanst@nordljus.example")
    return AgentFactory(
        username="bob", first_name="Bob", email="bob@nordljus.example", language="sv", shops=[shop]
    )


def ask(client, address, **extra):
    return client.post(reverse("password_reset"), {"email": address}, **extra)


def ask_and_send(client, address, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ask(client, address)


def link_in(message) -> str:
    return re.search(r"https?://\S+/login/reset/\S+/\S+/", message.body).group(0)


def test_the_login_page_links_to_the_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "Glömt lösenordet?" in page


def test_the_link_goes_out_through_the_outbox_from_the_shop(
    client, bob, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://support.example.se"
    response = ask_and_send(client, "BOB@nordljus.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["Bob <bob@nordljus.example>"] or message.to == ["bob@nordljus.example"]
    assert "kundtjanst@nordljus.example" in message.from_email
    assert message.subject == "Välj ett nytt lösenord för Kundsvar"
    assert link_in(message).startswith("https://support.example.se/login/reset/")
    assert "60 minuter" in message.body
    assert "text/html" in message.message().as_string()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, bob, django_capture_on_commit_callbacks
):
    known = ask_and_send(client, "bob@nordljus.example", django_capture_on_commit_callbacks)
    unknown = ask_and_send(client, "nobody@example.se", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    page = client.get(known["Location"]).content.decode()
    assert "Om adressen hör till ett Kundsvar-konto" in page


def test_the_link_sets_an_argon2_password_once_and_opens_the_lockout(
    client, bob, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert locked.status_code == 429
    ask_and_send(client, "bob@nordljus.example", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("password_reset_complete")
    bob.refresh_from_db()
    assert identify_hasher(bob.password).algorithm == "argon2"
    logged_in = client.post(reverse("login"), {"username": "bob", "password": NEW})
    assert logged_in.status_code == 302  # the lockout is gone with the reset
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "Länken har gått ut eller redan använts" in again


def test_the_link_expires_after_an_hour(
    client, bob, django_capture_on_commit_callbacks, time_machine, now
):
    time_machine.move_to(now, tick=False)
    ask_and_send(client, "bob@nordljus.example", django_capture_on_commit_callbacks)
    time_machine.shift(timedelta(minutes=61))
    page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "Länken har gått ut eller redan använts" in page


def test_requests_are_limited_per_client_and_mails_per_address(
    client, bob, django_capture_on_commit_callbacks, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": 5, "password_reset_mail": 2}
    with django_capture_on_commit_callbacks(execute=True):
        codes = [ask(client, "bob@nordljus.example").status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert len(mail.outbox) == 2  # the rest were answered alike, and not sent
    refused = ask(client, "bob@nordljus.example").content.decode()
    assert "För många försök" in refused and 'value="bob@nordljus.example"' in refused
    other = ask(client, "bob@nordljus.example", REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302
