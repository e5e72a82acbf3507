"""Browser tests: Playwright driving Debian's /usr/bin/chromium (never a downloaded one)
against pytest-django's live server."""

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from kundsvar.core.tests.realclock import is_faketime

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Without these Chromium floods the closed network with background requests.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextlib.contextmanager
def _without_faketime():
    """Under Debian's faketime (.ci/at) Chromium hangs on its first page load. The browser
    is the customer's machine anyway, with a clock of its own: Playwright's driver and
    Chromium start without libfaketime, the server under test keeps the moved clock."""
    saved = {
        name: os.environ.pop(name)
        for name in list(os.environ)
        if is_faketime(name, os.environ[name])
    }
    try:
        yield
    finally:
        os.environ.update(saved)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the live server thread and Playwright
    from playwright.sync_api import expect, sync_playwright

    # As long as the pages' own timeout (browser_page), not 5 s: on a loaded CI machine an
    # answer took longer than 5 s, and the test failed on a page that was right.
    expect.set_options(timeout=15_000)

    with _without_faketime():
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_context(chromium):
    """chromium.new_context for a test: every context it opens is closed after the test,
    its pages first. (Should Chromium never answer a close, pytest-timeout, see
    pyproject.toml, ends the test's process, so CI fails instead of hanging.)"""
    yield chromium.new_context
    _close_contexts(chromium)


def _close_contexts(browser) -> None:
    """Each page leaves for about:blank first, with a time limit: its pagehide handler
    (collision.js posts "left" with keepalive) and its event streams end there, while
    the server still answers, so closing has nothing left to wait for. A close once
    hung (1 run in 4) on a case page with both."""
    from playwright.sync_api import Error

    for context in browser.contexts:
        for page in context.pages:
            try:
                page.goto("about:blank", timeout=5_000)
            except Error:
                pass  # closed anyway, below
            page.close()
        context.close()


@pytest.fixture
def browser_page(open_context):
    page = open_context(viewport={"width": 1360, "height": 900}, locale="sv-SE").new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def asgi_server(chromium):
    """uvicorn serving kundsvar.asgi in a thread of this process, on the test database
    (pytest-django's live_server speaks WSGI, which cannot hold an event stream open)."""
    import uvicorn

    from kundsvar.asgi import application
    from kundsvar.live import queries

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    # The pages first: an open page holds event streams the server would wait for.
    _close_contexts(chromium)
    server.should_exit = True
    thread.join(timeout=15)
    queries.close_connections()
