"""A local stand-in for the 46elks and Twilio HTTP APIs (no network in tests), answering
as their public docs describe: 46elks POST /a1/sms → {"id": "s…", "status": "created"},
Twilio POST /2010-04-01/Accounts/{sid}/Messages.json → 201 {"sid": "SM…", "status":
"queued"}; wrong Basic auth → 401 with the provider's error text."""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Sent:
    path: str
    user: str
    form: dict[str, str]


@dataclass
class FakeProvider:
    url: str = ""
    credentials: dict[str, str] = field(default_factory=dict)  # user → password
    sent: list[Sent] = field(default_factory=list)
    fail_with: int | None = None  # answer every request with this status
    counter: int = 0

    def reset(self) -> None:
        self.credentials.clear()
        self.sent.clear()
        self.fail_with = None


def _handler(fake: FakeProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, payload, content_type="application/json"):
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            kind, _, token = self.headers.get("Authorization", "").partition(" ")
            user, _, password = base64.b64decode(token).decode().partition(":")
            twilio = self.path.startswith("/2010-04-01/")
            if fake.fail_with:
                return self._answer(fake.fail_with, b"Service unavailable", "text/plain")
            if fake.credentials.get(user) != password or kind != "Basic":
                if twilio:
                    return self._answer(
                        401, {"code": 20003, "message": "Authenticate", "status": 401}
                    )
                return self._answer(
                    401, b"API access requires Basic HTTP authentication", "text/plain"
                )
            fake.sent.append(Sent(self.path, user, form))
            fake.counter += 1
            if twilio:
                sid = f"SM{fake.counter:032x}"
                return self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To")})
            sms_id = f"s{fake.counter:032x}"
            return self._answer(200, {"id": sms_id, "status": "created", "to": form.get("to")})

    return Handler


def start() -> tuple[FakeProvider, ThreadingHTTPServer]:
    fake = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
