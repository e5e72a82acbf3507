"""Optional TOTP two-factor login (django-otp): set up on the account page, then asked
for after the password, before any page."""

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD, confirmed_device, totp_code


def test_an_agent_turns_on_two_factor_with_a_code_from_the_app(english, alice):
    english.force_login(alice)
    assert "Turn on two-factor login" in english.get(reverse("accounts:account")).content.decode()
    response = english.post(reverse("accounts:two_factor"))
    assert response.status_code == 302
    page = english.get(reverse("accounts:two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed
    assert "<svg" in page and "<path" in page  # the QR code, inline
    secret = page.split("<code>")[1].split("</code>")[0].replace(" ", "")
    assert len(secret) == 32

    response = english.post(reverse("accounts:two_factor_confirm"), {"token": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # This session gave the code: it goes on without a second step.
    assert english.get(reverse("cases:queue")).status_code == 200


def test_a_wrong_code_does_not_turn_it_on(english, alice):
    english.force_login(alice)
    english.post(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=alice)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = english.post(reverse("accounts:two_factor_confirm"), {"token": wrong})
    assert response.status_code == 200 and "Wrong code" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert english.get(reverse("cases:queue")).status_code == 200  # no device yet, no step


def test_an_unfinished_setup_is_started_again_not_stacked(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:two_factor"))
    client.post(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_login_asks_for_the_code_after_the_password(english, alice, now):
    device = confirmed_device(alice)
    response = english.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/cases/"}
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    response = english.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify") + "?next=%2Fcases%2F"
    page = english.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page

    response = english.post(reverse("accounts:verify"), {"token": "000000", "next": "/cases/"})
    assert response.status_code == 200 and "Wrong code" in response.content.decode()
    with time_machine.travel(now + timezone.timedelta(seconds=5)):
        response = english.post(
            reverse("accounts:verify"), {"token": totp_code(device), "next": "/cases/"}
        )
        assert response.status_code == 302 and response["Location"] == "/cases/"
        assert english.get("/cases/").status_code == 200


def test_every_page_needs_the_second_step_however_the_agent_logged_in(client, alice):
    confirmed_device(alice)
    client.force_login(alice)  # like a login through the Django admin
    for url in [
        reverse("home"),
        reverse("cases:queue"),
        reverse("accounts:account"),
        reverse("admin:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:verify"))
    response = client.post(reverse("accounts:two_factor_off"), {"password": PASSWORD})
    assert response.status_code == 302 and TOTPDevice.objects.filter(user=alice).exists()


def test_htmx_requests_are_sent_to_the_second_step_with_hx_redirect(client, alice):
    confirmed_device(alice)
    client.force_login(alice)
    response = client.get(reverse("cases:queue"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:verify"))


def test_the_code_page_and_logout_stay_open(client, alice):
    confirmed_device(alice)
    client.force_login(alice)
    assert client.get(reverse("accounts:verify")).status_code == 200
    assert client.post(reverse("logout")).status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_the_code_page_does_not_redirect_elsewhere(client, alice):
    device = confirmed_device(alice)
    client.force_login(alice)
    response = client.post(
        reverse("accounts:verify"), {"token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_agents_without_a_device_are_never_asked(client, alice):
    client.force_login(alice)
    assert client.get(reverse("cases:queue")).status_code == 200
    response = client.get(reverse("accounts:verify"))
    assert response.status_code == 302 and response["Location"] == "/"


def test_turning_it_off_needs_the_password(english, alice):
    device = confirmed_device(alice)
    english.force_login(alice)
    english.post(reverse("accounts:verify"), {"token": totp_code(device)})
    response = english.post(reverse("accounts:two_factor_off"), {"password": "wrong"})
    assert response.status_code == 200 and "Wrong password." in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()
    response = english.post(reverse("accounts:two_factor_off"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
