"""Mailboxes on Microsoft 365 and Google Workspace: OAuth2 instead of a password.

Microsoft turns off basic authentication for SMTP AUTH at the end of December 2026 (IMAP
basic auth is gone there already); Google Workspace wants OAuth2 too. A shop registers an
app (Entra ID or Google Cloud, docs/deploy.md), types its client id (and secret, or the
installation gives one from the environment) on Settings → Email, and presses "Connect":

1. `authorize_url` sends the admin to the provider with PKCE (S256) and a signed `state`
   bound to the shop, the admin and a nonce whose code verifier waits in the session;
   it expires after STATE_MAX_AGE.
2. The provider sends the browser back to the one callback (`callback_state` checks the
   state, `exchange` trades the code at the token endpoint): access token, its expiry,
   the refresh token (encrypted at rest) and the account's address from the ID token.
3. `access_token` gives a token that is valid for a few more minutes, refreshing it first
   when needed (and storing a rotated refresh token). A refresh refused with
   `invalid_grant` (revoked, password changed, expired) marks the connection RECONNECT:
   the settings page says so until the admin connects again.
4. `imap_login` and `smtp_login` sign in with XOAUTH2; a refused token is refreshed and
   tried once more (a token can be revoked before it expires).
"""

import base64
import binascii
import hashlib
import imaplib
import json
import logging
import secrets
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail.backends.smtp import EmailBackend
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from imap_tools.errors import MailboxLoginError
from imap_tools.mailbox import BaseMailBox

from kundsvar.shops.models import Shop

from .models import OAuthConnection, OAuthProvider, OAuthStatus

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # a token this close to its expiry is refreshed first
STATE_MAX_AGE = 15 * 60  # seconds from "Connect" to the provider's redirect back
_SALT = "kundsvar.mail.oauth"
_SESSION_KEY = "mail_oauth:"
_TOKEN_FIELDS = ["access_token", "expires_at", "refresh_token", "account", "status", "last_error"]


@dataclass(frozen=True)
class Preset:
    authorize_url: str
    token_url: str
    scope: str
    extra: tuple[tuple[str, str], ...] = ()  # more parameters of the authorization request


# `openid email` give the ID token that names the account; offline_access (Microsoft) and
# access_type=offline (Google) the refresh token.
PRESETS = {
    OAuthProvider.MICROSOFT: Preset(
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send "
        "offline_access openid email",
    ),
    OAuthProvider.GOOGLE: Preset(
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        "https://mail.google.com/ openid email",
        # Google gives a refresh token only with offline access, and again only on consent.
        (("access_type", "offline"), ("prompt", "consent")),
    ),
}


class OAuthError(Exception):
    """The provider's `error` and `error_description`, or our own code for what failed
    before it answered (bad_state, unreachable, not_connected, reconnect)."""

    def __init__(self, error: str, description: str = ""):
        super().__init__(error, description)
        self.error = error
        self.description = description

    def __str__(self) -> str:
        return f"{self.error}: {self.description}" if self.description else self.error


@dataclass(frozen=True)
class Token:
    account: str
    value: str


# -- the endpoints -----------------------------------------------------------------------
def endpoints(conn: OAuthConnection) -> Preset:
    preset = PRESETS.get(conn.provider)  # type: ignore[call-overload]
    if preset is None:
        return Preset(conn.authorize_url, conn.token_url, conn.scope)
    tenant = urllib.parse.quote(conn.tenant or "organizations", safe="")
    return Preset(
        preset.authorize_url.format(tenant=tenant),
        preset.token_url.format(tenant=tenant),
        conn.scope or preset.scope,
        preset.extra,
    )


def client_secret(conn: OAuthConnection) -> str:
    return conn.client_secret or settings.MAIL_OAUTH_CLIENT_SECRETS.get(conn.provider, "")


def redirect_uri() -> str:
    """The one address to register with the provider, for every shop."""
    return settings.SITE_URL + reverse("settings:email_oauth_callback")


# -- the authorization-code flow ---------------------------------------------------------
def authorize_url(request, conn: OAuthConnection) -> str:
    """Where "Connect" sends the admin. The code verifier stays in the session; the state
    names the shop, the admin and the session entry, signed and expiring."""
    verifier = secrets.token_urlsafe(64)
    nonce = secrets.token_urlsafe(16)
    request.session[_SESSION_KEY + nonce] = verifier
    state = signing.dumps(
        {"shop": conn.shop_id, "user": request.user.pk, "nonce": nonce}, salt=_SALT
    )
    ends = endpoints(conn)
    params = {
        "response_type": "code",
        "client_id": conn.client_id,
        "redirect_uri": redirect_uri(),
        "scope": ends.scope,
        "state": state,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        **dict(ends.extra),
    }
    joiner = "&" if "?" in ends.authorize_url else "?"
    return ends.authorize_url + joiner + urllib.parse.urlencode(params)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def callback_state(request) -> tuple[int, str]:
    """The shop id and code verifier of a callback whose state this admin's session made
    in the last STATE_MAX_AGE seconds; OAuthError("bad_state") otherwise."""
    try:
        data = signing.loads(request.GET.get("state", ""), salt=_SALT, max_age=STATE_MAX_AGE)
    except signing.SignatureExpired:
        raise OAuthError("bad_state", _("The sign-in took too long. Start again.")) from None
    except signing.BadSignature:
        raise OAuthError("bad_state", _("The answer was not for a sign-in started here.")) from None
    verifier = request.session.pop(_SESSION_KEY + str(data.get("nonce")), None)
    if data.get("user") != request.user.pk or not verifier:
        raise OAuthError(
            "bad_state", _("The sign-in was started by someone else or in another browser.")
        )
    return int(data["shop"]), verifier


def exchange(conn: OAuthConnection, code: str, verifier: str) -> OAuthConnection:
    """Trade the authorization code for tokens and store them: the connection is live."""
    tokens = _token_request(
        conn,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": verifier,
        },
    )
    now = timezone.now()
    conn.connected_at = now
    _store(conn, tokens, now)
    return conn


# -- tokens --------------------------------------------------------------------------------
def access_token(shop: Shop | int, *, force: bool = False) -> Token:
    """A token valid for at least REFRESH_MARGIN, refreshed first when needed (always with
    `force`: the server refused the one we had)."""
    conn = OAuthConnection.objects.filter(shop=shop).first()
    if conn is None or conn.status == OAuthStatus.NEW:
        raise OAuthError("not_connected", _("Connect the mailbox on Settings → Email first."))
    if conn.status == OAuthStatus.RECONNECT:
        raise OAuthError("reconnect", _("The sign-in ended: connect again on Settings → Email."))
    now = timezone.now()
    fresh = conn.access_token and conn.expires_at and conn.expires_at - REFRESH_MARGIN > now
    if not fresh or force:
        refresh(conn, now)
    return Token(conn.account, conn.access_token)


def refresh(conn: OAuthConnection, now: datetime | None = None) -> OAuthConnection:
    """Ask for a new access token with the refresh token. `invalid_grant` means the sign-in
    is over (revoked, expired, password changed): the connection needs a reconnect. Any
    other failure (the provider away) is kept in last_error and tried again next time."""
    now = now or timezone.now()
    used = conn.refresh_token
    try:
        if not used:
            raise OAuthError("invalid_grant", _("No refresh token was given at sign-in."))
        tokens = _token_request(
            conn,
            {"grant_type": "refresh_token", "refresh_token": used, "scope": endpoints(conn).scope},
        )
    except OAuthError as error:
        if error.error != "invalid_grant":
            conn.last_error = str(error)[:2000]
            conn.save(update_fields=["last_error"])
            raise
        # Only if nobody stored new tokens meanwhile: another worker may have refreshed
        # (and so rotated away the refresh token we sent) a moment before us.
        marked = OAuthConnection.objects.filter(
            pk=conn.pk, expires_at=conn.expires_at, status=OAuthStatus.CONNECTED
        ).update(status=OAuthStatus.RECONNECT, access_token="", last_error=str(error)[:2000])
        current = OAuthConnection.objects.get(pk=conn.pk)
        if not marked and current.status == OAuthStatus.CONNECTED:
            conn.__dict__.update(
                {f.attname: getattr(current, f.attname) for f in conn._meta.concrete_fields}
            )
            return conn
        log.warning("OAuth2 refresh for shop %s refused: %s", conn.shop_id, error)
        conn.status, conn.access_token, conn.last_error = (
            current.status,
            current.access_token,
            current.last_error,
        )
        raise
    conn.refreshed_at = now
    _store(conn, tokens, now)
    return conn


def _store(conn: OAuthConnection, tokens: dict, now: datetime) -> None:
    conn.access_token = tokens["access_token"]
    conn.expires_at = now + timedelta(seconds=int(tokens.get("expires_in") or 3600))
    # A provider that rotates refresh tokens sends a new one; the old one may stop working.
    conn.refresh_token = tokens.get("refresh_token") or conn.refresh_token
    conn.account = _account(tokens.get("id_token", "")) or conn.account
    conn.status = OAuthStatus.CONNECTED
    conn.last_error = ""
    conn.save(update_fields=[*_TOKEN_FIELDS, "connected_at", "refreshed_at"])


def _account(id_token: str) -> str:
    """The address in the ID token. It came straight from the token endpoint over TLS, so
    its signature need not be checked (OpenID Connect Core 3.1.3.7)."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return ""
    if not isinstance(claims, dict):
        return ""
    for name in ("email", "preferred_username", "upn"):
        if isinstance(claims.get(name), str) and "@" in claims[name]:
            return claims[name][:320]
    return ""


def _token_request(conn: OAuthConnection, params: dict[str, str]) -> dict:
    body = {**params, "client_id": conn.client_id}
    secret = client_secret(conn)
    if secret:
        body["client_secret"] = secret
    request = urllib.request.Request(  # noqa: S310 — the URL is https (or the test's fake)
        endpoints(conn).token_url,
        data=urllib.parse.urlencode(body).encode(),
        headers={"Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.MAIL_OAUTH_TIMEOUT) as response:  # noqa: S310
            tokens = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise _provider_error(error) from None
    except (OSError, ValueError) as error:
        raise OAuthError("unreachable", f"{type(error).__name__}: {error}"[:500]) from None
    if not isinstance(tokens, dict) or not tokens.get("access_token"):
        raise OAuthError("invalid_response", _("The token endpoint gave no access token."))
    return tokens


def _provider_error(error: urllib.error.HTTPError) -> OAuthError:
    try:
        data = json.loads(error.read() or b"{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return OAuthError(
        str(data.get("error") or f"http_{error.code}"),
        str(data.get("error_description") or error.reason or "")[:1000],
    )


# -- XOAUTH2 ---------------------------------------------------------------------------------
def sasl(user: str, token: str) -> str:
    """The XOAUTH2 initial response (before base64)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def imap_login(box: BaseMailBox, shop: Shop | int, username: str) -> None:
    token = access_token(shop)
    user = username or token.account
    try:
        box.xoauth2(user, token.value, initial_folder=None)
    except imaplib.IMAP4.abort:
        raise
    except (MailboxLoginError, imaplib.IMAP4.error):
        box.xoauth2(user, access_token(shop, force=True).value, initial_folder=None)


def smtp_login(server: smtplib.SMTP, shop: Shop | int, username: str) -> None:
    token = access_token(shop)
    user = username or token.account
    try:
        _smtp_xoauth2(server, user, token.value)
    except smtplib.SMTPAuthenticationError:
        _smtp_xoauth2(server, user, access_token(shop, force=True).value)


def _smtp_xoauth2(server: smtplib.SMTP, user: str, token: str) -> None:
    server.ehlo_or_helo_if_needed()
    # After a refusal the server sends an error challenge (334); the empty answer ends it.
    server.auth(
        "XOAUTH2",
        lambda challenge=None: sasl(user, token) if challenge is None else "",
        initial_response_ok=True,
    )


class OAuthSmtpBackend(EmailBackend):
    """Django's SMTP backend, signing in with XOAUTH2 as the shop's connected account."""

    def __init__(self, *, shop_id: int, **kwargs):
        super().__init__(**kwargs)
        self.shop_id = shop_id

    def open(self):
        opened = super().open()  # no password given: connects (and STARTTLS) only
        if opened:
            try:
                smtp_login(self.connection, self.shop_id, self.username)
            except BaseException:
                self.close()
                raise
        return opened
