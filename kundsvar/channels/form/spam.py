"""Spam protection without a third-party captcha: a honeypot field, a minimum time
between showing the form and sending it (the time is signed into the form), and a
limit per IP address. A rejected submission is shown again with everything the
customer typed and a clear message, so a real person loses one click, never a question.
"""

from django.conf import settings
from django.utils import timezone

from kundsvar.core import links, ratelimit

MIN_SECONDS = 3  # people do not write a question in under three seconds; scripts do
TOKEN_DAYS = 30  # an older page is shown again with a fresh token, its text kept
RATE_LIMIT = 5  # submissions per IP address per window

HONEYPOT = "homepage"
PURPOSE = "form-session"


def issue(shop, session_id: int | None) -> str:
    """The signed form token: which shop, which session (K3), and when it was shown."""
    return links.sign(
        PURPOSE, {"shop": shop.pk, "s": session_id, "at": int(timezone.now().timestamp())}
    )


def read(shop, token: str) -> dict | None:
    data = links.unsign(PURPOSE, token or "", max_age_days=TOKEN_DAYS)
    if not data or data.get("shop") != shop.pk:
        return None
    return data


def session_id(shop, token: str) -> int | None:
    data = read(shop, token)
    return data.get("s") if data else None


def check(shop, post, ip: str) -> str:
    """ "" when the submission may go through, else why not: honeypot, no_token,
    too_fast or rate_limited."""
    if post.get(HONEYPOT, "").strip():
        return "honeypot"
    data = read(shop, post.get("session", ""))
    if data is None:
        return "no_token"
    if timezone.now().timestamp() - data.get("at", 0) < MIN_SECONDS:
        return "too_fast"
    if not allow(ip):
        return "rate_limited"
    return ""


def allow(ip: str) -> bool:
    """Count one submission from `ip`; False once it is over the limit in this window."""
    limit = getattr(settings, "CONTACT_FORM_RATE_LIMIT", RATE_LIMIT)
    return ratelimit.allow_key("contact_form", ip or "unknown", limit=limit)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a
    # trusted proxy sets it, and trusting it would let a script pick a fresh address.
    return request.META.get("REMOTE_ADDR", "")
