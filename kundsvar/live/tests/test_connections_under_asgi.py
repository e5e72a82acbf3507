"""PostgreSQL under uvicorn with a connection pool (`kundsvar serve` turns it on): open
event streams hold no database connection while they wait, so more agents and customers
than the pool has connections can listen and still post (the bench's "too many
clients"). Before the fix an agent's stream held the connection its session was read
with, and with a pool the requests holding every connection waited for live threads
that waited for the pool."""

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .helpers import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="the pool is PostgreSQL's",
    ),
]
ROOT = Path(__file__).resolve().parents[3]
POOL = 2


def _session(agent) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.create()
    return session.session_key


@pytest.fixture
def server(tmp_path, settings):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here are signed with it
        "DB_POOL": str(POOL),
        "LIVE_BROKER": "postgres",
        "KUNDSVAR_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "ERROR",
    }
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and app
        [sys.executable, "-m", "uvicorn", "kundsvar.asgi:application", "--port", str(port)]
        + ["--lifespan", "off", "--log-level", "warning", "--timeout-graceful-shutdown", "1"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _request(port: int, head: str, body: bytes = b"", timeout: float = 20) -> bytes:
    """The status line (and the connection, left open for a stream)."""
    client = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    client.sendall(head.encode() + b"\r\n\r\n" + body)
    return client.recv(64), client


@pytest.mark.django_db(transaction=True)
def test_more_streams_than_pooled_connections_and_a_post_still_goes_through(server):
    shop = ShopFactory()
    agents = [AgentFactory(shops=[shop]) for _ in range(2 * POOL + 1)]
    sessions = [_session(agent) for agent in agents]
    connection.close()
    host = f"Host: 127.0.0.1:{server}"

    def listen(session: str):
        return _request(
            server,
            f"GET /cases/chat/events/?shop={shop.pk} HTTP/1.1\r\n{host}\r\n"
            f"Cookie: sessionid={session}\r\nAccept: text/event-stream",
        )

    with ThreadPoolExecutor(len(sessions)) as pool:
        streams = list(pool.map(listen, sessions))
    try:
        assert [status[:15] for status, _ in streams] == [b"HTTP/1.1 200 OK"] * len(sessions)
        body = b"availability=online"
        token = "k" * 32
        started = time.monotonic()
        status, client = _request(
            server,
            f"POST /cases/chat/availability/ HTTP/1.1\r\n{host}\r\n"
            f"Cookie: sessionid={sessions[0]}; csrftoken={token}\r\nX-CSRFToken: {token}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close",
            body,
        )
        client.close()
        assert status.startswith(b"HTTP/1.1 200"), status
        assert time.monotonic() - started < 10  # not a pool timeout (30 s)
    finally:
        for _, client in streams:
            client.close()
