from django.conf import settings
from django.urls import reverse

from .conftest import PASSWORD


def test_the_account_page_needs_a_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_agent_changes_their_language(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(reverse("accounts:language"), {"language": "en"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    # The header switch's cookie is cleared, so the setting just saved takes effect.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert "Your account" in client.get(reverse("accounts:account")).content.decode()


def test_only_the_ui_languages_can_be_chosen(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:language"), {"language": "xx"})
    alice.refresh_from_db()
    assert alice.language == "sv"


def test_an_agent_changes_their_password_and_stays_logged_in(client, alice):
    client.force_login(alice)
    new = "kanelbulle-med-kardemumma"
    response = client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_the_old_password_is_needed_to_change_it(english, alice):
    english.force_login(alice)
    new = "kanelbulle-med-kardemumma"
    response = english.post(
        reverse("accounts:password"),
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(client, alice):
    client.force_login(alice)
    client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_forms_need_a_csrf_token(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post(reverse("accounts:language"), {"language": "en"})
    assert response.status_code == 403
