"""The signature a shop's site puts on its logged-in shopper (rules C2, C4).

The site signs `email|external id|expires|name` with HMAC-SHA256 and the shop's identity
secret, hex-encoded, and gives the fields to the help widget as data attributes. The name
comes last so that a "|" in it cannot shift the other fields. `expires` is a Unix time at
most MAX_LIFETIME ahead: a snippet copied from a page is worthless a day later. Without a
valid, unexpired signature the visitor is anonymous; an unsigned email is never trusted."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_LIFETIME = timedelta(days=7)
# The query parameters the widget passes into its frame, by field.
PARAMS = {
    "email": "ks_email",
    "name": "ks_name",
    "external_id": "ks_id",
    "expires": "ks_expires",
    "signature": "ks_sig",
}


@dataclass(frozen=True)
class Shopper:
    email: str
    name: str
    external_id: str
    expires: int


def payload(email: str, external_id: str, expires: int | str, name: str) -> str:
    return f"{email.strip().lower()}|{external_id}|{expires}|{name}"


def signature(secret: str, email: str, external_id: str, expires: int | str, name: str) -> str:
    message = payload(email, external_id, expires, name).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, fields: dict, now: datetime) -> Shopper | None:
    """The shopper `fields` (by the names in PARAMS) vouch for, or None: missing fields,
    a wrong or tampered signature, an expiry passed or too far ahead, a bad email."""
    # As given: the site signed exactly what it put in the attributes (the email aside,
    # which is signed trimmed and in lower case).
    values = {key: str(fields.get(param, "")) for key, param in PARAMS.items()}
    email, sig = values["email"].strip().lower(), values["signature"].strip().lower()
    if not (secret and email and sig and values["expires"].isdigit()):
        return None
    if "|" in email or "|" in values["external_id"]:
        return None  # then `payload` could be split two ways
    expires = int(values["expires"])
    if not now.timestamp() <= expires <= (now + MAX_LIFETIME).timestamp():
        return None
    expected = signature(secret, email, values["external_id"], values["expires"], values["name"])
    if not hmac.compare_digest(expected, sig):
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return Shopper(email, values["name"].strip()[:200], values["external_id"][:120], expires)
