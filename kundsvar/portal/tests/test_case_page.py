"""The customer portal shows one case from its signed link (rules A1, S3, F1, C3)."""

from urllib.parse import urlsplit

import pytest

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.portal.links import portal_url

from .conftest import T0

pytestmark = pytest.mark.django_db


def path_of(case) -> str:
    return urlsplit(portal_url(case)).path


def test_portal_url_is_absolute_and_signed(settings, answered):
    case, _answer = answered
    url = portal_url(case)
    assert url.startswith(settings.SITE_URL + "/p/")
    assert str(case.pk) not in urlsplit(url).path.split("/")  # not a guessable id


def test_shows_the_conversation_but_never_internal_notes(client, answered):  # A1, R3
    case, _answer = answered
    response = client.get(path_of(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(case.number) in page
    assert "När kommer min jacka?" in page
    assert "Jackan skickas i dag." in page
    assert "VIP" not in page and "rabatt" not in page
    assert 'class="portal-status status-answered"' in page  # the status in customer words
    assert "Fick du svar på din fråga?" in page  # F1: the satisfaction question, in Swedish


def test_private_headers_and_csrf(client, answered):
    case, _answer = answered
    response = client.get(path_of(case))
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"  # the portal itself is never framed
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_csrf_is_required_for_posts(answered):
    from django.test import Client

    case, _answer = answered
    response = Client(enforce_csrf_checks=True).post(
        path_of(case), {"action": "follow_up", "text": "Hallå?"}
    )
    assert response.status_code == 403
    assert case.messages.count() == 3  # question, note, answer: nothing added


def test_promise_is_shown_while_an_answer_is_owed(client, shop, frozen):  # A4
    case = open_email_case(shop, T0)
    page = client.get(path_of(case)).content.decode()
    assert "senast måndag 23 november kl. 16.00" in page


def test_language_is_the_cases_unless_asked(client, shop, frozen):  # R7
    case = open_email_case(shop, T0, language="en")
    page = client.get(path_of(case)).content.decode()
    assert "by Monday 23 November at 16:00" in page
    assert "Did this answer your question?" not in page  # nothing answered yet
    assert 'lang="en"' in page
    page = client.get(path_of(case) + "?lang=sv").content.decode()
    assert "senast måndag 23 november kl. 16.00" in page


def test_a_merged_cases_link_shows_the_case_it_was_merged_into(client, shop, agent, frozen):
    first = open_email_case(shop, T0, text="Första frågan om jackan")
    second = open_email_case(shop, T0, text="Andra frågan om byxorna")
    services.merge_cases(second, first, actor=agent)
    page = client.get(path_of(second)).content.decode()
    assert f"Ärende {first.number}" in page
    assert "Andra frågan om byxorna" in page and "Första frågan om jackan" in page
