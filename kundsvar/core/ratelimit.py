"""Limits on anonymous writes (FAQ votes, portal follow-ups and ratings, the contact
form and its suggestions, order lookups): a fixed window per scope and client address,
counted in the database table `core.RateCount` with one atomic upsert, so every web
process shares the counts and a burst of concurrent requests cannot slip past. The address
is REMOTE_ADDR, which `core.headers.TrustedProxyMiddleware` has already made the client's
behind TRUSTED_PROXIES.

Limits are per ten minutes unless WINDOWS says otherwise, and set in RATE_LIMITS
(settings, env RATE_LIMIT_<SCOPE>). A view that is over its limit answers 429 with
`MESSAGE` and shows back whatever the customer wrote, so nothing is lost."""

import hashlib
import random
import time

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from kundsvar.core.models import RateCount

WINDOW = 600  # seconds
# Windows that ended are deleted now and then (one count in CLEANUP_EVERY), not by a task.
CLEANUP_EVERY = 200
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


def allow_key(scope: str, what: str, *, limit: int | None = None) -> bool:
    """Like `allow`, counted by something else than the address (a hashed email address,
    an order number). `limit` overrides RATE_LIMITS[scope]."""
    if limit is None:
        limit = settings.RATE_LIMITS[scope]
    key = hashlib.sha256(f"{scope}\0{what}".encode()).hexdigest()
    return count(key, WINDOWS.get(scope, WINDOW)) <= limit


def count(key: str, window: int) -> int:
    """Add one to `key`'s counter and return it; a window that has ended starts at 1."""
    now = int(time.time())
    q = connection.ops.quote_name
    table, key_, count_, ends = (q(n) for n in (RateCount._meta.db_table, "key", "count", "ends"))
    # INSERT … ON CONFLICT … RETURNING: PostgreSQL, and SQLite from 3.35.
    sql = (
        f"INSERT INTO {table} ({key_}, {count_}, {ends}) VALUES (%s, 1, %s) "  # noqa: S608 — our own table and column names; every value a parameter
        f"ON CONFLICT ({key_}) DO UPDATE SET "
        f"{count_} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count_} + 1 END, "
        f"{ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END "
        f"RETURNING {count_}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now + window, now, now])
        (value,) = cursor.fetchone()
    if random.randrange(CLEANUP_EVERY) == 0:
        RateCount.objects.filter(ends__lte=now).delete()
    return value
