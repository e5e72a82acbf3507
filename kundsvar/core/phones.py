"""Phone numbers, one way everywhere: kept in international digits for matching a
customer, and dialled from a `tel:` link that works from abroad too."""

import re

CALLING_CODES = {"SE": "46", "NO": "47", "DK": "45", "FI": "358"}
TRUNK_ZERO = {"SE", "FI"}  # dial a 0 first at home; Norway and Denmark have none
SUBSCRIBER_DIGITS = {"NO": 8, "DK": 8}


def international(number: str, country: str = "") -> str:
    """Digits with the country code when it can be known: "070-123 45 67" in SE →
    "46701234567", "+47 912 34 567" → "4791234567", "912 34 567" in NO → "4791234567".
    Short numbers ("04045") stay as written."""
    text = (number or "").strip()
    value = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return value[:20]
    if value.startswith("00"):
        return value[2:][:20]
    country = (country or "").upper()
    code = CALLING_CODES.get(country)
    if code and country in TRUNK_ZERO and value.startswith("0") and len(value) > 6:
        return (code + value[1:])[:20]
    if code and len(value) == SUBSCRIBER_DIGITS.get(country):
        return (code + value)[:20]
    return value[:20]


def tel_href(number: str, country: str = "") -> str:
    """A `tel:` link: "08-123 456 00" in Sweden → "tel:+46812345600"; a short number
    ("04045") is dialled as written; "" without digits."""
    digits = international(number, country)
    if not digits:
        return ""
    known_abroad = number.strip().startswith("+") or digits != re.sub(r"\D", "", number)
    return f"tel:+{digits}" if known_abroad else f"tel:{digits}"
