"""Signed, expiring links for customers (no customer passwords). Each purpose has its
own salt, so a token made for one page never opens another; a tampered or expired
token reads as None and the page reveals nothing."""

from functools import wraps

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.views.defaults import page_not_found

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


def private(referrer: str = "no-referrer"):
    """For pages opened by a token in their address: the token is the key, so keep it out
    of search engines, other sites' Referer headers and shared caches — the 404 included.

    A page that posts forms to itself needs `same-origin`: with `no-referrer` Chromium
    sends `Origin: null` on those posts and Django's CSRF check refuses them. Either way
    no other site ever sees the address."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except Http404 as exc:
                response = page_not_found(request, exc)
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Referrer-Policy"] = referrer
            response["Cache-Control"] = "private, no-store"
            return response

        return wrapper

    return decorate
