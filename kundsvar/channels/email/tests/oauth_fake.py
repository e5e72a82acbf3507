"""A local OAuth2 authorization server and an SMTP server that takes only XOAUTH2, for the
tests of Microsoft 365 / Google Workspace sign-in (kundsvar/channels/email/oauth.py).

`FakeProvider` (http.server in a thread, loopback, no network):

* GET /authorize: the consent page, answered at once with a redirect back to the
  redirect_uri carrying a code and the state (or `error=access_denied` when `deny` is set);
* POST /token: `authorization_code` (checks client id and secret, the redirect URI and the
  PKCE verifier against the S256 challenge; a code works once) and `refresh_token` (rotates:
  the old refresh token stops working); errors as RFC 6749 JSON, 400/401;
* POST /introspect: RFC 7662 for Dovecot's oauth2 passdb: `{"active": …, "username": …}`.

`XOAuthSmtp`: aiosmtpd with AUTH XOAUTH2 only (no PLAIN/LOGIN), mail refused before it, a
token accepted only when the provider issued it and has not revoked it.
"""

import base64
import hashlib
import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from .dovecot import USER, free_port
from .smtp_sink import SmtpSink

CLIENT_ID = "kundsvar-test-app"
CLIENT_SECRET = "hemlig-klient-nyckel"  # noqa: S105 — a test value


class FakeProvider:
    def __init__(self, account: str = USER):
        self.account = account
        self.deny = False
        self.codes: dict[str, dict] = {}
        self.access_tokens: set[str] = set()  # valid until revoked
        self.refresh_tokens: set[str] = set()
        self.token_requests: list[dict] = []
        self.refreshes = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what a test does to the provider ----------------------------------------------------
    def revoke_everything(self) -> None:
        """The admin revoked the app (or changed the password): every token stops working."""
        with self._lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def revoke_access_tokens(self) -> None:
        with self._lock:
            self.access_tokens.clear()

    def valid(self, token: str) -> bool:
        with self._lock:
            return token in self.access_tokens

    # -- the endpoints ---------------------------------------------------------------------
    def _authorize(self, query: dict[str, str]) -> tuple[int, dict, dict]:
        back = query["redirect_uri"]
        if self.deny:
            answer = {
                "error": "access_denied",
                "error_description": "AADSTS65004: User declined to consent to access the app.",
            }
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self.codes[code] = query
            answer = {"code": code}
        answer["state"] = query.get("state", "")
        return 302, {"Location": back + "?" + urllib.parse.urlencode(answer)}, {}

    def _token(self, form: dict[str, str]) -> tuple[int, dict, dict]:
        self.token_requests.append(form)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {}, {"error": "invalid_client", "error_description": "Bad client secret."}
        with self._lock:
            if form.get("grant_type") == "authorization_code":
                asked = self.codes.pop(form.get("code", ""), None)
                if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {}, {"error": "invalid_grant", "error_description": "Bad code."}
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                if asked.get("code_challenge_method") != "S256" or challenge != asked.get(
                    "code_challenge"
                ):
                    return 400, {}, {"error": "invalid_grant", "error_description": "PKCE failed."}
            elif form.get("grant_type") == "refresh_token":
                if form.get("refresh_token") not in self.refresh_tokens:
                    return (
                        400,
                        {},
                        {
                            "error": "invalid_grant",
                            "error_description": "AADSTS50173: The refresh token was revoked.",
                        },
                    )
                self.refresh_tokens.discard(form["refresh_token"])  # rotation
                self.refreshes += 1
            else:
                return 400, {}, {"error": "unsupported_grant_type"}
            access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return (
            200,
            {},
            {
                "token_type": "Bearer",
                "access_token": access,
                "expires_in": 3600,
                "refresh_token": refresh,
                "id_token": _id_token({"email": self.account}),
            },
        )

    def _introspect(self, form: dict[str, str]) -> tuple[int, dict, dict]:
        if self.valid(form.get("token", "")):
            return 200, {}, {"active": True, "username": self.account}
        return 200, {}, {"active": False}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path != "/authorize":
                    return self._answer(404, {}, {})
                return self._answer(*provider._authorize(dict(urllib.parse.parse_qsl(url.query))))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                route = {"/token": provider._token, "/introspect": provider._introspect}
                handle = route.get(urllib.parse.urlsplit(self.path).path)
                return self._answer(*handle(form)) if handle else self._answer(404, {}, {})

            def _answer(self, status: int, headers: dict, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # noqa: A002 — quiet in tests
                pass

        return Handler


def _id_token(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


class XOAuthSmtp(SmtpSink):
    """The sink, taking AUTH XOAUTH2 only and refusing mail before it."""

    def __init__(self, provider: FakeProvider):
        super().__init__()
        self.provider = provider
        self.logins: list[str] = []  # the users signed in
        self.refused_tokens = 0

    def start(self):
        self._controller = Controller(
            self,
            hostname=self.host,
            port=free_port(),
            auth_require_tls=False,
            auth_required=True,
            auth_exclude_mechanism=["LOGIN", "PLAIN"],
        )
        self._controller.start()
        self.port = self._controller.port
        return self

    async def auth_XOAUTH2(self, server, args):
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        fields = base64.b64decode(args[1]).decode().split("\x01")
        user = fields[0].removeprefix("user=")
        token = next((f.removeprefix("auth=Bearer ") for f in fields if f.startswith("auth=")), "")
        if self.provider.valid(token):
            self.logins.append(user)
            return AuthResult(success=True, auth_data=user)
        self.refused_tokens += 1
        # As Gmail and Outlook do: a JSON error challenge, the client's empty answer, 535.
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False)


@pytest.fixture
def provider():
    fake = FakeProvider().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def xoauth_smtp(provider):
    sink = XOAuthSmtp(provider).start()
    try:
        yield sink
    finally:
        sink.stop()
