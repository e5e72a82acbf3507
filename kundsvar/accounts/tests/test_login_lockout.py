"""django-axes: a username and IP address pair is locked after 5 failures for 30 minutes."""

import time_machine
from django.urls import reverse

from .conftest import PASSWORD


def _login(client, username="alice", password=PASSWORD, ip="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail(client, times, **kwargs):
    return [_login(client, password="wrong", **kwargs) for _ in range(times)]


def test_five_failures_lock_the_login_with_a_clear_message(english, alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    *earlier, fifth = _fail(english, 5)
    assert {r.status_code for r in earlier} == {200}
    assert "Wrong username or password." in earlier[0].content.decode()
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "Too many failed attempts" in page and "30 minutes" in page
    assert '<form method="post"' in page  # the login page itself, not a bare error


def test_the_right_password_does_not_help_during_the_lockout(english, alice):
    _fail(english, 5)
    response = _login(english)
    assert response.status_code == 429
    assert "_auth_user_id" not in english.session


def test_the_lock_opens_after_thirty_minutes(english, alice, now):
    with time_machine.travel(now, tick=False) as clock:
        _fail(english, 5)
        clock.shift(29 * 60)
        assert _login(english).status_code == 429
        clock.shift(2 * 60)  # tries during the lockout did not extend it
        response = _login(english)
    assert response.status_code == 302
    assert english.session["_auth_user_id"] == str(alice.pk)


def test_the_lock_is_for_that_username_from_that_address_only(english, alice):
    from kundsvar.shops.tests.factories import AgentFactory

    AgentFactory(username="bob")
    _fail(english, 5)
    assert _login(english, username="bob").status_code == 302
    english.logout()
    assert _login(english, ip="10.0.0.7").status_code == 302


def test_a_successful_login_starts_the_count_again(english, alice):
    _fail(english, 4)
    assert _login(english).status_code == 302
    english.logout()
    _fail(english, 4)
    assert _login(english).status_code == 302


def test_the_django_admin_login_is_locked_too(english, alice):
    for _ in range(5):
        response = english.post(reverse("admin:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429


def test_tests_and_scripts_can_still_log_in_without_a_request(client, alice):
    assert client.login(username="alice", password=PASSWORD)
    assert not client.login(username="alice", password="wrong")
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
