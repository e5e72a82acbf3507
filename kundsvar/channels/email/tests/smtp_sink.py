"""A real SMTP server for tests, on a free loopback port: it keeps what it receives and
can be told to refuse for a while (451 at RCPT or DATA, or no connections at all).

Use the `smtp_sink` fixture (load it with
`pytest_plugins = ["kundsvar.channels.email.tests.smtp_sink"]`): Django's SMTP backend
then sends to the sink, exactly as it would to the shop's real mail server.
"""

import email
import email.policy
import threading
from dataclasses import dataclass

import pytest

from kundsvar.channels.email.smtpd import KundsvarController

REFUSED = "451 4.3.0 Try again later (test sink)"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the original bytes, as they came over the wire

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class SmtpSink:
    """Collects every accepted message in `received`. Refusal modes:

    * ``refuse("rcpt" | "data", times=None)``: answer 451 at that step, for the next
      `times` attempts, or until `accept()` when `times` is None;
    * ``go_down()``: stop listening (connections are refused) until `accept()`.
    """

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.port = 0
        self.received: list[Received] = []
        self.refused: list[tuple[str, str]] = []  # (step, recipient or sender)
        self._lock = threading.Lock()
        self._refuse_at: str | None = None
        self._refusals_left: int | None = None
        self._controller: KundsvarController | None = None

    # --- control -------------------------------------------------------------------
    def start(self) -> "SmtpSink":
        self._controller = KundsvarController(self, self.host, self.port)
        self._controller.start()
        self.port = self._controller.port  # kept when the sink comes back after go_down
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, at: str = "data", times: int | None = None) -> None:
        assert at in ("rcpt", "data")
        with self._lock:
            self._refuse_at, self._refusals_left = at, times

    def go_down(self) -> None:
        self.stop()

    def accept(self) -> None:
        with self._lock:
            self._refuse_at, self._refusals_left = None, None
        if self._controller is None:
            self.start()

    @property
    def listening(self) -> bool:
        return self._controller is not None

    def messages(self) -> list[email.message.EmailMessage]:
        return [item.message for item in self.received]

    # --- aiosmtpd hooks --------------------------------------------------------------
    def _refusing(self, step: str) -> bool:
        with self._lock:
            if self._refuse_at != step:
                return False
            if self._refusals_left is not None:
                if self._refusals_left <= 0:
                    self._refuse_at = None
                    return False
                self._refusals_left -= 1
            return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._refusing("rcpt"):
            self.refused.append(("rcpt", address))
            return REFUSED
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._refusing("data"):
            self.refused.append(("data", envelope.mail_from))
            return REFUSED
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    """A running sink, and Django's email backend pointed at it (plain SMTP, no TLS)."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield sink
    finally:
        sink.stop()
