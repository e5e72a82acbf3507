"""A local stand-in for graph.facebook.com: records every request and answers what the
test told it to (by method and path prefix), else the documented success answers."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeGraph:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    # (method, path prefix) → (status, body bytes, content type)
    answers: dict = field(default_factory=dict)
    counter: int = 0

    def answer(self, method: str, prefix: str, status: int, body, content_type="application/json"):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[(method, prefix)] = (status, raw, content_type)

    def fail(self, method: str, prefix: str, status: int, message: str, code: int = 100):
        self.answer(
            method,
            prefix,
            status,
            {
                "error": {
                    "message": message,
                    "type": "OAuthException",
                    "code": code,
                    "fbtrace_id": "Abc",
                }
            },
        )

    def sent(self, suffix: str = "/messages") -> list[Seen]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith(suffix)]

    def respond(self, method: str, path: str, body: bytes):
        for (m, prefix), answer in sorted(self.answers.items(), key=lambda kv: -len(kv[0][1])):
            if m == method and path.startswith(prefix):
                return answer
        if method == "POST" and path.endswith("/messages"):
            self.counter += 1
            payload = json.loads(body)
            if payload.get("messaging_product") == "whatsapp":
                answer = {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                    "messages": [{"id": f"wamid.OUT{self.counter}"}],
                }
            else:
                answer = {
                    "recipient_id": payload["recipient"]["id"],
                    "message_id": f"m_OUT{self.counter}",
                }
            return 200, json.dumps(answer).encode(), "application/json"
        return 404, b'{"error": {"message": "Unknown path", "code": 803}}', "application/json"


def serve() -> tuple[FakeGraph, ThreadingHTTPServer]:
    fake = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fake.requests.append(Seen(self.command, self.path, dict(self.headers), body))
            status, raw, content_type = fake.respond(self.command, self.path, body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
