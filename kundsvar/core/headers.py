"""Security headers and the client's address behind a proxy.

`SecurityHeadersMiddleware`: a strict Content-Security-Policy (scripts only from our own
origin or with this response's nonce: `<script nonce="{{ request.csp_nonce }}">`; no inline
event handlers, no eval), `Permissions-Policy` (no camera, microphone, geolocation,
payment, USB) and `Referrer-Policy` (Django's SecurityMiddleware sends it from
SECURE_REFERRER_POLICY). HSTS and secure cookies are settings (HTTPS=true).
Pages that must differ (the chat widget shops embed) set `response.csp` themselves.

`TrustedProxyMiddleware`: behind nginx or Caddy every request comes from the proxy's
address, so rate limits, login lockout and logs would all see one client. When the
request comes from an address in TRUSTED_PROXIES, REMOTE_ADDR becomes the right-most
address in X-Forwarded-For that is not itself a trusted proxy (the left-most entries are
whatever the client wrote). From anywhere else X-Forwarded-For is ignored."""

import ipaddress
import secrets
from functools import cache

from django.conf import settings

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",  # htmx's indicator style, style attributes
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy(request.csp_nonce)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(remote: str, forwarded_for: str) -> str:
    if not forwarded_for or not trusted(remote):
        return remote
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage from the client: keep the proxy's address
    return remote


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if not settings.TRUSTED_PROXIES:
            return self.get_response(request)  # nothing forwarded is trusted (Django's default)
        if not trusted(remote):
            meta.pop("HTTP_X_FORWARDED_PROTO", None)  # only a trusted proxy may say https
            return self.get_response(request)
        meta["REMOTE_ADDR"] = client_address(remote, meta.get("HTTP_X_FORWARDED_FOR", ""))
        return self.get_response(request)
