"""The promise in words: a concrete local time in the customer's language (rule A4)."""

from datetime import UTC, datetime

import pytest

from kundsvar.core.language import promise_language
from kundsvar.sla.deadlines import compute_deadline
from kundsvar.sla.promise import promise_text

from .calendars import FIRST, HELSINKI, OFFICE_SE, STOCKHOLM, sthlm

# Tuesday 24 November 2026 13:00 UTC is 14:00 CET in Stockholm.
NOVEMBER = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
# Tuesday 7 July 2026 06:05 UTC is 08:05 CEST in Stockholm, 09:05 EEST in Helsinki.
JULY = datetime(2026, 7, 7, 6, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "senast tisdag 24 november kl. 14.00"),
        ("nb", "senest tirsdag 24. november kl. 14.00"),
        ("da", "senest tirsdag den 24. november kl. 14.00"),
        ("en", "by Tuesday 24 November at 14:00"),
    ],
)
def test_promise_in_each_language_for_24_november(language, expected):
    # A4: the example from the rules, in Swedish, Norwegian, Danish and English.
    assert promise_text(NOVEMBER, language, STOCKHOLM) == expected


def test_time_zone_can_be_given_by_name():
    # A4
    assert promise_text(NOVEMBER, "sv", "Europe/Stockholm") == (
        "senast tisdag 24 november kl. 14.00"
    )


def test_summer_date_uses_central_european_summer_time():
    # A4: 06:05 UTC is 08:05 in Stockholm in July (UTC+2), not 07:05.
    assert promise_text(JULY, "sv", STOCKHOLM) == "senast tisdag 7 juli kl. 08.05"
    assert promise_text(JULY, "en", STOCKHOLM) == "by Tuesday 7 July at 08:05"


def test_local_date_is_used_when_utc_is_still_the_day_before():
    # A4: Monday 23 November 23:30 UTC is already Tuesday 00:30 in Stockholm.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert promise_text(late, "sv", STOCKHOLM) == "senast tisdag 24 november kl. 00.30"


def test_due_at_given_in_another_zone_is_shown_in_the_shop_zone():
    # A4: 14:00 in Stockholm is 15:00 in Helsinki; the shop zone decides.
    in_helsinki = NOVEMBER.astimezone(HELSINKI)
    assert promise_text(in_helsinki, "sv", STOCKHOLM) == "senast tisdag 24 november kl. 14.00"


def test_helsinki_shop_shows_eastern_european_time():
    # A4: 13:00 UTC is 15:00 EET in November, 06:05 UTC is 09:05 EEST in July.
    assert promise_text(NOVEMBER, "sv", HELSINKI) == "senast tisdag 24 november kl. 15.00"
    assert promise_text(JULY, "en", HELSINKI) == "by Tuesday 7 July at 09:05"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("no", "senest tirsdag 24. november kl. 14.00"),
        ("nn", "senest tirsdag 24. november kl. 14.00"),
        ("se", "senast tisdag 24 november kl. 14.00"),
        ("sv-SE", "senast tisdag 24 november kl. 14.00"),
        ("nb_NO", "senest tirsdag 24. november kl. 14.00"),
        ("DA", "senest tirsdag den 24. november kl. 14.00"),
        ("en-US", "by Tuesday 24 November at 14:00"),
    ],
)
def test_aliases_and_regional_codes(language, expected):
    # A4: "no"/"nn" mean Norwegian Bokmål, region and case are ignored.
    assert promise_text(NOVEMBER, language, STOCKHOLM) == expected


@pytest.mark.parametrize("language", ["fi", "de", "xx", "zz-ZZ"])
def test_unknown_language_falls_back_to_english(language):
    # A4
    assert promise_language(language) == "en"
    assert promise_text(NOVEMBER, language, STOCKHOLM) == "by Tuesday 24 November at 14:00"


def test_no_language_means_swedish():
    # A4
    assert promise_language(None) == "sv"
    assert promise_text(NOVEMBER, None, STOCKHOLM) == "senast tisdag 24 november kl. 14.00"


def test_easter_promise_in_words():
    # A4/S1: the 16:55 Thursday-before-Easter question is promised after annandag påsk.
    deadline = compute_deadline(OFFICE_SE, sthlm(2026, 4, 2, 16, 55), FIRST)
    assert promise_text(deadline.due_at, "sv", STOCKHOLM) == "senast tisdag 7 april kl. 09.55"
    assert promise_text(deadline.due_at, "da", STOCKHOLM) == (
        "senest tirsdag den 7. april kl. 09.55"
    )
