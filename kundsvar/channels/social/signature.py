"""Meta's webhook checks: the subscription handshake and the body's signature."""

import hashlib
import hmac


def expected(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def valid(app_secret: str, body: bytes, header: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app
    secret>`, compared in constant time. No secret, no header: not valid."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(expected(app_secret, body), header.strip())


def handshake(verify_token: str, params) -> str | None:
    """The challenge to echo when `hub.mode=subscribe` comes with our verify token."""
    given = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not verify_token or not given:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")
