"""The webhook receiver for tests: a real HTTP server on 127.0.0.1 in a thread, answering
with the status codes a test lines up and recording every request it gets."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    answers: list = field(default_factory=list)  # status codes to give, in order; then 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)

    def answer(self) -> int:
        return self.answers.pop(0) if self.answers else 200


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(self.path, dict(self.headers), body))
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"nope")

        def log_message(self, *args):
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is what some tests are about


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/kundsvar"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
