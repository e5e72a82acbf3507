"""Receive mail for our shops by SMTP or LMTP (rules A6, R5).

Put Kundsvar behind the shop's mail server (Postfix `transport_maps`, a Dovecot or Exim
LMTP route) or let it take mail directly: `kundsvar smtpd --port 2525 [--lmtp]`.

* RCPT: only our shops' customer-service addresses (case-insensitive, also the
  per-case plus form `kundtjanst+10234@…`); anything else is refused with 550, so we
  are never an open relay and a misdirected mail bounces at once instead of vanishing.
* DATA: the bytes exactly as they arrived (`envelope.original_content`, never a decoded
  copy) go to `pipeline.receive`, which stores them durably before anything else.
  "250" is answered only after that: the sending server deletes its copy when it reads
  it. If storing fails we answer "451" and the sender retries; if only the processing
  after storage fails we still answer 250, because the raw message is kept and the
  worker's `retry_failed_inbound` processes it again (rule A6: nothing is dropped).
* The Django ORM is synchronous: every database step runs in a worker thread, never on
  the event loop, and closes stale connections the way Django does around a request.

A message addressed to several of our shops is received once per shop (each shop gets
its own case; `pipeline.receive` keeps the copies apart).
"""

import asyncio
import hashlib
import logging
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections

from kundsvar.shops.models import Shop

from . import pipeline, rawstore
from .models import RawMessage

log = logging.getLogger(__name__)

OK = "250 OK"
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
TRY_AGAIN = "451 4.3.0 Try again later"


def max_message_size() -> int:
    return settings.SMTPD_MAX_MESSAGE_SIZE


def shop_for_address(address: str):
    """The shop whose customer-service address this is, plain or plus form, or None.

    Compared in Python (a handful of shops): the database's LOWER() folds only ASCII
    on SQLite, and an address may well contain å, ä or ö.
    """
    address = address.strip().strip("<>").casefold()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    candidates = {address}
    candidates |= {f"{local[:i]}@{domain}" for i, char in enumerate(local) if char == "+" and i}
    best, best_length = None, 0
    for shop in Shop.objects.order_by("pk"):
        own = shop.email.strip().casefold()
        if own in candidates and len(own) > best_length:  # the most specific address wins
            best, best_length = shop, len(own)
    return best


def _stored(raw: bytes) -> bool:
    """Is this message safely kept (bytes on disk and its row in the database)?"""
    sha = hashlib.sha256(raw).hexdigest()
    return rawstore.path_for(sha).exists() and RawMessage.objects.filter(sha256=sha).exists()


def deliver(raw: bytes, shop_id: int, recipients: list[str], source: str = "smtp") -> bool:
    """Store and process one message for one shop (in a worker thread).

    True once the raw message is stored, even when processing failed afterwards (the
    worker retries it); False when it could not be stored and the sender must retry.
    """
    close_old_connections()
    try:
        shop = Shop.objects.get(pk=shop_id)
        try:
            pipeline.receive(raw, shop=shop, source=source, envelope_to=recipients)
        except Exception:
            if not _stored(raw):
                raise
            log.exception(
                "processing a message for %s failed after it was stored; "
                "the worker will process it again",
                shop.email,
            )
        return True
    except Exception:
        log.exception("storing a message for shop %s failed; the sender will retry", shop_id)
        return False
    finally:
        close_old_connections()


def _lookup(address: str):
    close_old_connections()
    try:
        shop = shop_for_address(address)
        return (shop.pk, shop.email) if shop else None
    finally:
        close_old_connections()


class KundsvarHandler:
    """aiosmtpd handler: accept mail for our shops, store it, then say 250."""

    def __init__(self, *, source: str = "smtp", max_workers: int = 8):
        self.source = source
        self.executor = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="kundsvar-smtpd"
        )
        self._lock = threading.Lock()
        self.in_flight = 0

    async def _in_thread(self, function, *args):
        with self._lock:
            self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            found = await self._in_thread(_lookup, address)
        except Exception:
            log.exception("looking up recipient %s failed", address)
            return TRY_AGAIN
        if found is None:
            log.info("refused recipient %s from %s", address, session.peer)
            return NO_SUCH_MAILBOX
        if not hasattr(envelope, "kundsvar_shops"):
            envelope.kundsvar_shops = {}
        envelope.kundsvar_shops[address] = found
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return OK

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content  # the bytes as sent, never a decoded copy
        shops: dict = getattr(envelope, "kundsvar_shops", {})
        by_shop: dict[tuple[int, str], list[str]] = {}
        for rcpt in envelope.rcpt_tos:
            by_shop.setdefault(shops[rcpt], []).append(rcpt)
        stored: dict[tuple[int, str], bool] = {}
        for shop, rcpts in sorted(by_shop.items()):
            try:
                stored[shop] = await self._in_thread(deliver, raw, shop[0], rcpts, self.source)
            except Exception:
                log.exception("delivery to %s failed", shop[1])
                stored[shop] = False
        log.info(
            "message from %s to %s: %s",
            envelope.mail_from,
            envelope.rcpt_tos,
            "stored" if all(stored.values()) else "NOT stored, asked to retry",
        )
        if isinstance(server, LMTP):
            # RFC 2033: one reply per accepted recipient, in RCPT order.
            return "\r\n".join(
                OK if stored[shops[rcpt]] else TRY_AGAIN for rcpt in envelope.rcpt_tos
            )
        # SMTP has one reply for all: retry everything (what was stored dedupes by hash).
        return OK if all(stored.values()) else TRY_AGAIN

    def close(self) -> None:
        """Wait for messages being stored, then stop the worker threads."""
        self.executor.shutdown(wait=True)


class _LenientLines:
    """RFC 5321 allows 1000 octets a line, but real mail sometimes has longer lines (a
    1 MB header line, issue #10). Refusing them would bounce a customer's question (rule
    A6), and aiosmtpd refuses with "500 Line too long", a permanent error that reads like
    a syntax error. So inside DATA a line may be as long as the whole message may be;
    the size limit still bounds memory. Command lines keep the 1 MB limit (500 is the
    right answer there, RFC 5321 4.5.3.1.4). A message over the size limit, however its
    lines run, is answered 552 5.3.4, which tells the sender why it bounced."""

    line_length_limit = 1024 * 1024
    _command_line_limit = line_length_limit

    async def smtp_DATA(self, arg):
        self._set_line_limit(max(self._command_line_limit, (self.data_size_limit or 0) + 2))
        try:
            return await super().smtp_DATA(arg)
        finally:
            self._set_line_limit(self._command_line_limit)

    def _set_line_limit(self, limit: int) -> None:
        # aiosmtpd checks both: its own attribute, and the StreamReader's limit, which
        # asyncio keeps in a private attribute and reads on every readuntil().
        self.line_length_limit = limit
        self._reader._limit = limit

    async def push(self, status):
        if isinstance(status, str) and status.startswith(
            ("500 Line too long", "552 Error: Too much mail data")
        ):
            status = f"552 5.3.4 Message too big (at most {self.data_size_limit} bytes)"
        return await super().push(status)


class KundsvarSMTP(_LenientLines, SMTP):
    pass


class KundsvarLMTP(_LenientLines, LMTP):
    pass


class KundsvarController(Controller):
    """aiosmtpd's threaded Controller, serving SMTP or LMTP; port 0 takes a free port
    (its number is in `.port` after `start()`)."""

    def __init__(
        self,
        handler,
        hostname: str = "127.0.0.1",
        port: int = 2525,
        *,
        lmtp: bool = False,
        data_size_limit: int | None = None,
        **kwargs,
    ):
        self.lmtp = lmtp
        kwargs.setdefault("server_hostname", settings.SMTPD_HOSTNAME or socket.gethostname())
        super().__init__(
            handler,
            hostname=hostname,
            port=port,
            data_size_limit=data_size_limit or max_message_size(),
            decode_data=False,
            **kwargs,
        )

    def factory(self):
        server_class = KundsvarLMTP if self.lmtp else KundsvarSMTP
        return server_class(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self):
        # With port 0 the system chose the port: connect to that one.
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()

    def stop_listening(self) -> None:
        """Take no new connections; conversations under way go on."""
        if self.server is not None:
            self.loop.call_soon_threadsafe(self.server.close)


def serve(
    host: str,
    port: int,
    lmtp: bool = False,
    *,
    stop: threading.Event | None = None,
    grace_seconds: float = 30,
) -> None:
    """Receive mail until interrupted (SIGINT/SIGTERM, or `stop` is set).

    On the way out no new connections are taken, and messages being stored are given
    `grace_seconds` to finish, so a restart does not cut off a delivery half-way (the
    sender would retry it anyway: no 250 was given).
    """
    stop = stop or threading.Event()
    handler = KundsvarHandler()
    controller = KundsvarController(handler, host, port, lmtp=lmtp)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, lambda *_: stop.set())
    try:
        controller.start()
        log.info(
            "receiving mail by %s on %s port %s", "LMTP" if lmtp else "SMTP", host, controller.port
        )
        try:
            while not stop.wait(0.5):
                pass
        finally:
            controller.stop_listening()
            deadline = time.monotonic() + grace_seconds
            while handler.in_flight and time.monotonic() < deadline:
                time.sleep(0.1)
            controller.stop()
            log.info("mail receiver stopped")
    finally:
        handler.close()
        for number, old in previous.items():
            signal.signal(number, old)
