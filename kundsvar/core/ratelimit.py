"""Limits on anonymous writes (FAQ votes, portal follow-ups and ratings, the contact
form's suggestions): a fixed window per scope and client address, counted in the Django
cache (CACHES: the database cache table by default, so every web process shares the
counts; Redis works the same). The address is REMOTE_ADDR, which
`core.headers.TrustedProxyMiddleware` has already made the client's behind TRUSTED_PROXIES.

Limits are per ten minutes unless WINDOWS says otherwise, and set in RATE_LIMITS
(settings, env RATE_LIMIT_<SCOPE>). A view that is over its limit answers 429 with
`MESSAGE` and shows back whatever the customer wrote, so nothing is lost."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

WINDOW = 600  # seconds
# Scopes with a window of their own: the order lookup's 15 minutes, which the page tells
# the customer ("Försök igen om 15 minuter").
WINDOWS = {"order_lookup": 15 * 60}
MESSAGE = _(
    "Too many attempts from your connection in a short time. "
    "Please wait a few minutes and try again."
)


def allow(request, scope: str) -> bool:
    """Count this write; False once the address is over the scope's limit in the window."""
    return allow_key(scope, request.META.get("REMOTE_ADDR") or "unknown")


def allow_key(scope: str, what: str) -> bool:
    """Like `allow`, counted by something else than the address (a hashed email address)."""
    limit = settings.RATE_LIMITS[scope]
    window = WINDOWS.get(scope, WINDOW)
    key = f"kundsvar.rate.{scope}.{hashlib.sha256(what.encode()).hexdigest()[:32]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
