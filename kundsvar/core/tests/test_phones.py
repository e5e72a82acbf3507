"""Phone numbers one way everywhere (rules C1, T3: a number the customer can dial; C4: a
number to match an order by)."""

import pytest

from kundsvar.core.phones import international, tel_href


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("070-123 45 67", "SE", "46701234567"),
        ("08-123 456 00", "SE", "46812345600"),
        ("+46 70 123 45 67", "", "46701234567"),
        ("0046 70 123 45 67", "DK", "46701234567"),
        ("912 34 567", "NO", "4791234567"),
        ("+47 912 34 567", "SE", "4791234567"),
        ("33 12 34 56", "DK", "4533123456"),
        ("040-123 45 67", "FI", "358401234567"),
        ("04045", "NO", "04045"),  # Bring's short number: no country code for it
        ("020-12 34 56", "SE", "4620123456"),
        ("", "SE", ""),
    ],
)
def test_international_digits(number, country, expected):
    assert international(number, country) == expected


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("08-123 456 00", "SE", "tel:+46812345600"),
        ("0771-33 33 10", "SE", "tel:+46771333310"),
        ("+47 04045", "NO", "tel:+4704045"),
        ("04045", "NO", "tel:04045"),
        ("12345", "", "tel:12345"),
        ("–", "SE", ""),
    ],
)
def test_tel_links_dial_from_abroad_when_the_country_is_known(number, country, expected):
    assert tel_href(number, country) == expected
