"""O4, C4: a tracking number (kollinummer) is recognised with its carrier.

The valid and invalid numbers are copied from jkeen/tracking_number_data (MIT),
couriers/dhl.json, ups.json and s10.json, for the couriers we support.
"""

import pytest

from kundsvar.commerce.carriers import (
    REGISTRY,
    carrier_code_for_name,
    detect,
    gs1_check_digit,
    normalize,
    s10_check_digit,
)

# (carrier code, format has a check digit, valid numbers, invalid numbers)
TRACKING_NUMBER_DATA = {
    "DHL Express": (
        "dhl_express",
        True,
        [
            "3318810025",
            "73891051146",
            "8487135506",
            "1099255990",
            "3821724944",
            "3318810036",
            "3318810014",
        ],
        ["3318810010", "3318810034", "3318810011"],
    ),
    "DHL Express (Piece ID)": (
        "dhl_express",
        False,
        [
            "JJD0099999999",
            "JVGL0999999990",
        ],
        ["XJD0099999998"],
    ),
    "DHL E-Commerce": (
        "dhl_ecommerce",
        False,
        [
            "GM2951173225174494",
            "GM 2 9 5 117 32 25 1 7 44 9 4",
            "GM295117494011169042",
            "GM9E44608A27984866BA2D",
        ],
        [
            "GS295117494011169041",
            "GR295117494011169045",
            "AAAAAAAAAAAAAAAAAA",
            "ABCDEFGHILJKLMNOPQ",
            "ABCDEFGHILJKLMNOPQRSTU1234567890",
        ],
    ),
    "DHL E-Commerce (14)": (
        "dhl_ecommerce",
        False,
        [
            "60120172242323",
            "5108 7693037816",
            "60120174971147",
        ],
        [
            "A60120172242323",
            "60120172242323B",
            "160120172242323",
            "6012017224232301",
            "601201722X2323",
            "GS295117494011169041",
            "GR295117494011169045",
        ],
    ),
    "UPS": (
        "ups",
        True,
        [
            "1Z5R89390357567127",
            "1Z879E930346834440",
            "1Z410E7W0392751591",
            "1Z8V92A70367203024",
            " 1 Z 8 V 9 2 A 7 0 3 6 7 2 0 3 0 2 4 ",
            "1ZXX3150YW44070023",
        ],
        ["2Z5R89390357567127", "1A5R89390357567127", "1Z1111111111111111"],
    ),
    "UPS Waybill": (
        "ups",
        True,
        [
            "K1506235620",
            "K 150 623 562 0",
            "K2479825491",
            "J4603636537",
            "V0490119172",
            "V0431105627",
        ],
        ["K1506235622", "K2479825492", "J4603636538", "V0411335627", "V0423305841"],
    ),
    "S10": (
        "upu",
        True,
        [
            "RB123456785GB",
            "RB123456785US",
            "RB123456785CV",
            "RB123456785CF",
        ],
        ["RB123456786US", "RB123456785XX"],
    ),
}
VALID = [
    (fmt, code, checked, n)
    for fmt, (code, checked, valid, _) in TRACKING_NUMBER_DATA.items()
    for n in valid
]
INVALID = [
    (fmt, code, n) for fmt, (code, _, _, invalid) in TRACKING_NUMBER_DATA.items() for n in invalid
]


@pytest.mark.parametrize(("fmt", "code", "checked", "number"), VALID)
def test_every_valid_number_is_detected_with_its_carrier(fmt, code, checked, number):  # O4
    best = detect(number)[0]
    assert best.code == code, fmt
    assert best.name == next(c.name for c in REGISTRY if c.code == code)
    # A format with a check digit must verify it; a format without one never claims to.
    assert best.checksum_ok is checked


@pytest.mark.parametrize(("fmt", "code", "number"), INVALID)
def test_every_invalid_number_is_rejected_or_flagged(fmt, code, number):  # O4
    guesses = detect(number)
    assert not any(g.checksum_ok for g in guesses), fmt
    # If the format still matches, the failed check digit shows as low confidence.
    assert all(g.confidence <= 30 for g in guesses if g.code == code)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("RR123456785SE", "postnord"),
        ("CP100000003SE", "postnord"),
        ("RR101000000SE", "postnord"),  # the check digit 10 is written 0
        ("RR000000005SE", "postnord"),  # and 11 is written 5
        ("UA000000031DK", "postnord"),
        ("EE000000014NO", "bring"),
        ("CP123456785NO", "bring"),
        ("LX000000028FI", "posti"),
        ("rr 123 456 785 se", "postnord"),
    ],
)
def test_nordic_postal_items_go_to_their_national_post(number, code):  # O4
    best = detect(number)[0]
    assert (best.code, best.checksum_ok, best.format) == (code, True, "s10")
    assert best.confidence >= 90


def test_s10_check_digit_weights():  # O4
    # 1·8 + 2·6 + 3·4 + 4·2 + 5·3 + 6·5 + 7·9 + 8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5
    assert s10_check_digit("12345678") == 5
    assert detect("RR123456784SE")[0].checksum_ok is False
    assert detect("RR123456785ZZ") == []  # no such country
    assert detect("XX123456785SE") == []  # no such UPU service


def test_a_sscc_kollinummer_is_checked_but_its_carrier_left_open():  # C4
    assert gs1_check_digit("37307302538712345") == 7
    (guess,) = detect("(00) 373073025387123457".replace("(", "").replace(")", ""))
    assert (guess.code, guess.checksum_ok, guess.format) == ("", True, "sscc")
    assert detect("00373073025387123458") == []


def test_nothing_is_guessed_for_numbers_of_no_known_format():
    for number in ["", "   ", "10234", "hej", "070-123 45 67", "1234567890123456"]:
        assert detect(number) == []


def test_normalize_removes_spaces_and_case_and_surrounding_punctuation():
    assert normalize(" rr 123 456 785 se. ") == "RR123456785SE"
    assert normalize("#1Z5R89390357567127,") == "1Z5R89390357567127"
    assert normalize("ABC-EC-123467") == "ABC-EC-123467"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("PostNord", "postnord"),
        ("PostNord MyPack Collect", "postnord"),
        ("Posten Norge", "bring"),
        ("Bring", "bring"),
        ("DHL Express", "dhl_express"),
        ("DHL", "dhl_express"),
        ("DHL Freight Sverige", "dhl_freight"),
        ("DHL Service Point", "dhl_freight"),
        ("UPS Standard", "ups"),
        ("GLS", "gls"),
        ("DB Schenker", "schenker"),
        ("DSV", "schenker"),
        ("Budbee Box", "budbee"),
        ("Instabox", "instabox"),
        ("Airmee", "airmee"),
        ("Early Bird", "earlybird"),
        ("dhl_express", "dhl_express"),
        ("Posten", ""),  # Sweden's or Norway's? Don't guess.
        ("Groups Logistics", ""),  # "ups" inside a word is not UPS
        ("", ""),
    ],
)
def test_platform_carrier_names_map_to_codes(name, code):  # O4
    assert carrier_code_for_name(name) == code


def test_the_table_above_is_every_test_number_of_the_corpus():  # O4: nothing left out
    import json

    from kundsvar.core.corpora import CORPORA

    found = {}
    for courier in ("dhl", "ups", "s10"):
        data = json.loads(
            (CORPORA / "tracking_number_data" / "couriers" / f"{courier}.json").read_text(
                encoding="utf-8"
            )
        )
        for spec in data["tracking_numbers"]:
            numbers = spec.get("test_numbers", {})
            found[spec["name"]] = (numbers.get("valid", []), numbers.get("invalid", []))
    assert found == {
        name: (valid, invalid)
        for name, (_code, _checked, valid, invalid) in TRACKING_NUMBER_DATA.items()
    }
