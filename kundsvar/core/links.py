"""Signed, expiring links for customers (no customer passwords). Each purpose has its
own salt, so a token made for one page never opens another; a tampered or expired
token reads as None and the page reveals nothing."""

from django.conf import settings
from django.core import signing

SALT = "kundsvar.link."


def sign(purpose: str, data: dict) -> str:
    return signing.dumps(data, salt=SALT + purpose, compress=True)


def unsign(purpose: str, token: str, *, max_age_days: int) -> dict | None:
    try:
        data = signing.loads(token, salt=SALT + purpose, max_age=max_age_days * 86400)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return data if isinstance(data, dict) else None


def absolute(path: str) -> str:
    """A path made into a link that works from an email."""
    return f"{settings.SITE_URL}{path}"
