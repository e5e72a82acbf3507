"""What the intake noticed about a message is shown to the agent in words, never as
the stored code ("personal_number_masked", "bad_date") — rules C3 and A6."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory()


def detail(client, shop, case, language) -> str:
    client.force_login(AgentFactory(shops=[shop]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("cases:detail", args=[case.number])).content.decode()


@pytest.mark.parametrize(
    ("language", "masked", "problems"),
    [
        (
            "sv",
            "Personnummer maskerat",
            "Svårläst: datumet gick inte att läsa, okänd teckenkodning",
        ),
        (
            "en",
            "Personal identity number masked",
            "Read with difficulty: the date could not be read, unknown character encoding",
        ),
    ],
)
def test_notes_are_words_in_the_agents_language(client, shop, language, masked, problems):  # C3, A6
    case = open_email_case(
        shop, T0, parse_warnings=["personal_number_masked", "bad_date", "bad_charset"]
    )
    page = detail(client, shop, case, language)
    assert masked in page
    assert problems in page
    for code in ("personal_number_masked", "bad_date", "bad_charset"):
        assert code not in page


def test_an_unknown_code_is_not_shown_raw(client, shop):  # A6
    case = open_email_case(shop, T0, parse_warnings=["unprocessable", "KeyError"])
    page = detail(client, shop, case, "sv")
    assert "unprocessable" not in page and "KeyError" not in page
    assert "Svårläst: meddelandet kunde inte behandlas automatiskt" in page


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("too_large", "större än butiken tar emot"),
        ("attachment_failed", "en bilaga kunde inte sparas"),
        ("message_id_reused", "Samma Message-ID som ett tidigare meddelande"),
    ],
)
def test_every_code_the_mail_intake_writes_has_words(client, shop, code, words):  # A6
    case = open_email_case(shop, T0, parse_warnings=[code])
    page = detail(client, shop, case, "sv")
    assert words in page
    assert "ett annat läsproblem" not in page.lower()
