"""`kundsvar demo` as a person runs it: logins readable, links to the real port, a clean stop."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def demo_run(tmp_path):
    port = _free_port()
    log = tmp_path / "demo.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SITE_URL", "KUNDSVAR_SITE_URL", "EMAIL_URL", "LOG_LEVEL")
    }
    env.update(KUNDSVAR_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own CLI)
            [sys.executable, "-m", "kundsvar.cli", "demo", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=Path(__file__).parents[1],
        )
    try:
        yield port, log, tmp_path / "var", process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_demo_prints_logins_last_links_to_its_port_and_stops_cleanly(demo_run):
    port, log, var, process = demo_run
    assert _wait_for(lambda: "Ctrl-C stops" in log.read_text(), 120), log.read_text()
    # The worker sends the demo's pending order messages; they must link to this port.
    mail_dir = var / "demo-mail"
    assert _wait_for(lambda: mail_dir.exists() and any(mail_dir.iterdir()), 30)
    time.sleep(3)  # let the console collect whatever the web server and worker print
    banner = log.read_text()
    # Nothing printed after the logins: they must not scroll away.
    assert banner.rstrip().endswith("=" * 64), banner
    assert "Task id=" not in banner and "GET /" not in banner
    agent = re.search(r"Agent login:\s+anna / (\S+)", banner).group(1)
    admin = re.search(r"Admin login:\s+admin / (\S+)", banner).group(1)
    assert agent != admin

    links = re.findall(
        r"http://127\.0\.0\.1:(\d+)/",
        "".join(path.read_text(errors="replace") for path in mail_dir.iterdir()),
    )
    assert links and set(links) == {str(port)}

    process.send_signal(signal.SIGINT)  # Ctrl-C
    assert process.wait(timeout=40) == 0
    after = log.read_text()[len(banner) :]
    assert "SIGKILL" not in after and "Traceback" not in after, after
    assert f"anna / {agent}" in after and f"admin / {admin}" in after
