"""Polling shops' IMAP mailboxes (imap-tools) into the inbound pipeline.

Progress is tracked per mailbox by UIDVALIDITY and the highest UID stored, never by the
\\Seen flag: a person reading the mailbox in Outlook must not hide a customer's message
from us, and we must not mark anything read for them (the folder is opened with EXAMINE
unless we move mail, and bodies are fetched with BODY.PEEK[]; `RFC822` would set \\Seen).

Crash safety (A6): each message's raw bytes go to `pipeline.receive()` (stored on disk,
content-addressed, deduplicated) *before* `last_uid` moves past it, and `last_uid` is
saved after every message. A crash or a dropped connection therefore refetches at most
one message, which the content hash makes harmless. A server restart, a refused
connection or a timeout is recorded in `Mailbox.last_error`; the next poll just retries.
If UIDVALIDITY changes (the folder was recreated or the server rebuilt its index), the
folder is read again from UID 1; messages we already have are recognised by content.
"""

import contextlib
import fcntl
import hashlib
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, U
from imap_tools.errors import ImapToolsError, MailboxFetchError
from imap_tools.mailbox import BaseMailBox
from imap_tools.utils import check_command_status

from . import oauth, pipeline
from .models import Mailbox, RawMessage, RawState, SignIn, Source

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60  # connect and every read/write on the socket
BATCH = 20  # messages per UID FETCH: bounded memory with large attachments
# What a server that is down, restarting, unreachable, slow or refusing us raises.
# OSError covers ConnectionRefusedError, socket.timeout (TimeoutError), ssl.SSLError;
# imaplib.IMAP4.error covers IMAP4.abort (dropped connection, "socket error: EOF").
# OAuthError: the provider is away, or the shop's sign-in needs a reconnect.
CONNECTION_ERRORS = (OSError, imaplib.IMAP4.error, ImapToolsError, oauth.OAuthError)
_UID = re.compile(rb"\bUID (\d+)")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOCK_NAMESPACE = 0x494D4150  # "IMAP", first key of PostgreSQL advisory locks


@dataclass
class PollResult:
    mailbox_id: int
    mailbox: str
    fetched: int = 0  # messages downloaded this poll
    new: int = 0  # became (or joined) a case
    duplicates: int = 0  # bytes already stored, or the same Message-ID already in the shop
    errors: int = 0  # messages whose processing failed (kept, retried) + a failed connection
    moved: int = 0
    uidvalidity_reset: bool = False
    more: bool = False  # `limit` reached; the rest comes next poll
    skipped: bool = False  # another worker was polling this mailbox
    error: str = ""  # why the connection or the poll failed

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.mailbox}: skipped, another worker is polling it"
        text = (
            f"{self.mailbox}: {self.fetched} fetched, {self.new} new, "
            f"{self.duplicates} duplicates, {self.errors} errors"
        )
        if self.moved:
            text += f", {self.moved} moved"
        if self.uidvalidity_reset:
            text += ", UIDVALIDITY changed: folder read again"
        if self.more:
            text += ", more waiting"
        if self.error:
            text += f" — {self.error}"
        return text


def poll_all() -> list[PollResult]:
    """Poll every enabled mailbox once. One broken mailbox never stops the others."""
    return list(poll_each(Mailbox.objects.filter(enabled=True)))


def poll_each(mailboxes, *, limit: int = 500) -> Iterator[PollResult]:
    """Poll these mailboxes one after the other, yielding each result as it is done.
    An unexpected error (a bug, the database) is logged and recorded on its mailbox."""
    for mailbox in mailboxes.select_related("shop").order_by("pk"):
        try:
            yield poll(mailbox, limit=limit)
        except Exception as error:  # noqa: BLE001 — recorded on the mailbox, others go on
            log.exception("polling mailbox %s failed", mailbox)
            message = _describe(error)
            Mailbox.objects.filter(pk=mailbox.pk).update(last_error=message)
            yield PollResult(mailbox.pk, str(mailbox), errors=1, error=message)


def poll(mailbox: Mailbox, *, limit: int = 500) -> PollResult:
    """Fetch the mailbox's new messages (at most `limit`) into the pipeline.

    Connection problems are caught and stored in `last_error` (and returned); anything
    else (a database error, a bug) propagates after what was stored so far is saved.
    `last_polled_at` is the time of the last *successful* poll."""
    result = PollResult(mailbox.pk, str(mailbox))
    with _claim(mailbox) as claimed:
        if not claimed:
            result.skipped = True
            return result
        box = None
        try:
            box = _connect(mailbox)
            _poll(box, mailbox, result, limit)
        except CONNECTION_ERRORS as error:
            result.errors += 1
            result.error = _describe(error)
            log.warning("IMAP poll of %s failed, will retry: %s", mailbox, result.error)
            mailbox.last_error = result.error
            mailbox.save(update_fields=["last_error"])
        else:
            mailbox.last_error = ""
            mailbox.last_polled_at = timezone.now()
            mailbox.save(update_fields=["last_error", "last_polled_at"])
        finally:
            if box is not None:
                _logout(box)
    return result


def _poll(box: BaseMailBox, mailbox: Mailbox, result: PollResult, limit: int) -> None:
    folder = _server_name(box, mailbox.folder)
    # EXAMINE (read-only) unless we move mail: we cannot change a flag by accident.
    box.folder.set(folder, readonly=not _moves(mailbox))
    _check_uidvalidity(box, mailbox, folder, result)
    uids = _uids_in(box, mailbox.last_uid + 1)
    result.more = len(uids) > limit
    for start in range(0, min(len(uids), limit), BATCH):
        for uid, raw, arrived in _fetch_raw(box, uids[start : min(start + BATCH, limit)]):
            _store(mailbox, raw, arrived, result)
            mailbox.last_uid = uid
            mailbox.save(update_fields=["last_uid"])  # after the bytes are safe (A6)
    if _moves(mailbox) and mailbox.last_uid:
        # After intake, so a bad move_to never keeps mail out. Everything at or below
        # last_uid is stored; this also catches moves that failed on an earlier poll.
        target = _server_name(box, mailbox.move_to)
        _ensure_folder(box, target)
        result.moved += _move(box, _uids_in(box, 1, mailbox.last_uid), target)


def _server_name(box: BaseMailBox, name: str) -> str:
    """Folder paths are written with "/" (Arkiv/Behandlat); servers use their own
    hierarchy delimiter (Gmail "/", Dovecot's maildir and Courier ".")."""
    if "/" not in name:
        return name
    typ, data = box.client.list('""', '""')  # the delimiter, without listing folders
    match = re.search(rb'\) "(.)"', data[0] or b"") if typ == "OK" and data else None
    return name.replace("/", match.group(1).decode()) if match else name


def _check_uidvalidity(box: BaseMailBox, mailbox: Mailbox, folder: str, result: PollResult) -> None:
    uidvalidity = _selected_uidvalidity(box, folder)
    if mailbox.uidvalidity == uidvalidity:
        return
    if mailbox.uidvalidity is not None:
        # The UIDs we counted are meaningless now. Read the folder again from the start:
        # the pipeline recognises the bytes it already has (content hash).
        log.warning(
            "UIDVALIDITY of %s changed from %s to %s: reading the folder again",
            mailbox,
            mailbox.uidvalidity,
            uidvalidity,
        )
        mailbox.last_uid = 0
        result.uidvalidity_reset = True
    # The first poll keeps a preset last_uid: an admin can skip a mailbox's history.
    mailbox.uidvalidity = uidvalidity
    mailbox.save(update_fields=["uidvalidity", "last_uid"])


def _selected_uidvalidity(box: BaseMailBox, folder: str) -> int:
    """From the SELECT response (the folder we are reading), STATUS as a fallback."""
    _, data = box.client.response("UIDVALIDITY")
    if data and data[-1]:
        return int(data[-1])
    return int(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])


def _uids_in(box: BaseMailBox, low: int, high: int | None = None) -> list[int]:
    """UIDs from low to high (or to the end), ascending. `UID n:*` always matches the
    last message, even when its UID is below n, so the range is checked here too."""
    # No CHARSET: the criteria are ASCII, and some servers refuse an explicit one.
    found = box.uids(AND(uid=U(low, high if high is not None else "*")), charset=None)
    return sorted(u for u in map(int, found) if u >= low and (high is None or u <= high))


def _fetch_raw(box: BaseMailBox, uids: list[int]) -> list[tuple[int, bytes, datetime | None]]:
    """The exact bytes the server holds for these UIDs, ascending, without setting \\Seen.

    (imap-tools' MailMessage keeps only a parsed email.message.Message, and
    `msg.obj.as_bytes()` re-serialises it; the raw store needs the original bytes.)"""
    if not uids:
        return []
    response = box.client.uid("FETCH", ",".join(map(str, uids)), "(UID INTERNALDATE BODY.PEEK[])")
    check_command_status(response, MailboxFetchError)
    data = response[1]
    messages: dict[int, tuple[bytes, datetime | None]] = {}
    for index, item in enumerate(data):
        if not isinstance(item, tuple) or b"BODY[]" not in item[0]:
            continue  # b")" closers, or unsolicited FETCH responses (flags changed)
        match = _UID.search(item[0])
        if match is None and index + 1 < len(data) and isinstance(data[index + 1], bytes):
            # The UID can follow the literal: (b'3 (BODY[] {n}', raw), b' UID 7)'
            match = _UID.search(data[index + 1])
        if match is not None:
            messages[int(match.group(1))] = (item[1], _arrival(item[0]))
    wanted = set(uids)  # an expunged UID is simply absent
    return sorted((uid, raw, at) for uid, (raw, at) in messages.items() if uid in wanted)


def _arrival(fetch_line: bytes) -> datetime | None:
    """INTERNALDATE: when the mail reached the mailbox. The customer's promise counts from
    then, not from when we polled (after an outage that can be hours)."""
    parsed = imaplib.Internaldate2tuple(fetch_line)
    if parsed is None:
        return None
    return datetime.fromtimestamp(time.mktime(parsed), tz=UTC)


def _store(mailbox: Mailbox, raw: bytes, arrived: datetime | None, result: PollResult) -> None:
    known = RawMessage.objects.filter(sha256=hashlib.sha256(raw).hexdigest()).exists()
    now = timezone.now()
    row = pipeline.receive(
        raw,
        shop=mailbox.shop,
        source=Source.IMAP,
        envelope_to=_envelope_to(mailbox),
        received_at=min(arrived, now) if arrived else now,
    )
    result.fetched += 1
    if known or row.state == RawState.DUPLICATE:
        result.duplicates += 1
    elif row.state == RawState.FAILED:
        result.errors += 1  # stored and kept; pipeline.retry_failed() tries again (A6)
    else:
        result.new += 1


def _envelope_to(mailbox: Mailbox) -> list[str]:
    return [mailbox.username.lower()] if _ADDRESS.match(mailbox.username) else []


def _moves(mailbox: Mailbox) -> bool:
    return bool(mailbox.move_to) and mailbox.move_to != mailbox.folder


def _ensure_folder(box: BaseMailBox, folder: str) -> None:
    if not box.folder.exists(folder):
        box.folder.create(folder)
        log.info("created IMAP folder %s", folder)


def _move(box: BaseMailBox, uids: list[int], folder: str) -> int:
    """MOVE (RFC 6851) when the server has it; imap-tools falls back to COPY, \\Deleted
    and EXPUNGE. Flags travel with the message, so unread mail stays unread for people."""
    if uids:
        box.move([str(uid) for uid in uids], folder)
    return len(uids)


def _connect(mailbox: Mailbox) -> BaseMailBox:
    """Implicit TLS (993), STARTTLS (143) or plain, with certificate verification and a
    socket timeout on every operation (imaplib passes it to socket.create_connection)."""
    if mailbox.use_tls and mailbox.port == 143:
        box = MailBoxStartTls(
            mailbox.host,
            mailbox.port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    elif mailbox.use_tls:
        # Without an explicit context imaplib does not verify the certificate.
        box = MailBox(
            mailbox.host,
            mailbox.port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    else:
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    try:
        if mailbox.sign_in == SignIn.OAUTH2:
            oauth.imap_login(box, mailbox.shop_id, mailbox.username)
        elif (mailbox.username + mailbox.password).isascii():
            box.login(mailbox.username, mailbox.password, initial_folder=None)
        else:  # imaplib's LOGIN only speaks ASCII ("lösenord")
            box.login_utf8(mailbox.username, mailbox.password, initial_folder=None)
        # imaplib keeps the pre-login capabilities; servers announce MOVE after login.
        _, data = box.client.capability()
        box.client.capabilities = tuple(data[-1].decode().upper().split())
    except BaseException:
        _logout(box)
        raise
    return box


def _logout(box: BaseMailBox) -> None:
    with contextlib.suppress(*CONNECTION_ERRORS):
        box.logout()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@contextlib.contextmanager
def _claim(mailbox: Mailbox) -> Iterator[bool]:
    """One poller per mailbox at a time: two workers reading the same new message at
    once could both process it. PostgreSQL: a session advisory lock (any host);
    SQLite: an flock under VAR_DIR (SQLite means one host)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s::int4, %s::int4)", [_LOCK_NAMESPACE, mailbox.pk]
            )
            claimed = cursor.fetchone()[0]
        try:
            yield claimed
        finally:
            if claimed:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s::int4, %s::int4)",
                        [_LOCK_NAMESPACE, mailbox.pk],
                    )
        return
    path = Path(settings.VAR_DIR) / "locks" / f"imap-mailbox-{mailbox.pk}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
