"""One pipeline for every way mail comes in (IMAP, SMTP/LMTP, HTTP, import):

store raw → parse → classify → new text → intake.prepare (mask C3, files) → dedupe,
bounces → intake.store (threaded by EmailChannel) → intake.follow_through (orders C4,
acknowledgement A1–A5). The steps of a customer's message that every channel shares are
intake's (kundsvar.intake.services); this module keeps what only mail has.

The raw bytes are on disk before anything else happens, and nothing the customer sent
is dropped (rule A6): a message that cannot be parsed still becomes a case, with the
raw source kept and a visible parse warning.
"""

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.events import record_event
from kundsvar.cases.models import Direction, EventKind, Message
from kundsvar.cases.queries import of_shop
from kundsvar.cases.services import Inbound
from kundsvar.core import batchcache, taskqueue
from kundsvar.core.inserts import insert
from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.core.rows import marks
from kundsvar.intake import services as intake

from . import loops, rawstore
from .classify import classify
from .htmltext import html_to_text, sanitize_html
from .models import OutboundEmail, OutboundKind, OutboundState, RawMessage, RawState, Source
from .parse import ParsedEmail, parse_email
from .quotes import extract_new_text

log = logging.getLogger(__name__)
_SUPPRESS = re.compile(r"\b(all|autoreply|oof)\b", re.IGNORECASE)
RETRY_AFTER = timedelta(minutes=1)
PROCESSING_LEASE = timedelta(minutes=10)  # processing one message never takes this long
MESSAGE_ID_REUSED = "message_id_reused"  # a parse warning code, shown as a badge


def receive(
    raw: bytes,
    *,
    shop,
    source: str,
    envelope_to: list[str] | None = None,
    received_at: datetime | None = None,
) -> RawMessage:
    """Store, then hand to the worker. The same bytes delivered again are the same row."""
    return accept(
        rawstore.put(raw),
        len(raw),
        shop=shop,
        source=source,
        envelope_to=envelope_to,
        received_at=received_at,
    )


def accept(
    sha: str,
    size: int,
    *,
    shop,
    source: str,
    envelope_to: list[str] | None = None,
    received_at: datetime | None = None,
    truncated: bool = False,
) -> RawMessage:
    """Record a message already in the raw store (an HTTP body streamed there by
    `rawstore.put_stream`) and hand it to the worker. Safe to call again for the same
    bytes."""
    received_at = received_at or timezone.now()
    # New bytes are the rule, the same bytes again the exception: insert first (no
    # SELECT before it), and read the existing row only when the insert is refused.
    row = RawMessage(
        sha256=sha,
        size=size,
        source=source,
        shop=shop,
        envelope_to=envelope_to or [],
        received_at=received_at,
        truncated=truncated,
    )
    try:
        with _durable():
            created = insert(row)  # the statement made once (core.inserts): every message
    except IntegrityError:
        row, created = RawMessage.objects.get(sha256=sha), False
    if row.shop_id != shop.pk:
        # The very same bytes for a second shop: that shop's own copy, marked the way a
        # mail server marks a local delivery, so each shop gets its case (A6).
        copy = f"Delivered-To: {shop.email}\r\n".encode() + rawstore.get(sha)
        return accept(
            rawstore.put(copy),
            len(copy),
            shop=shop,
            source=source,
            envelope_to=envelope_to,
            received_at=received_at,
            truncated=truncated,
        )
    if created or row.state in (RawState.PENDING, RawState.FAILED):
        if _hand_to_worker(row):
            row.refresh_from_db()  # processed already (immediate backend): say how
    return row


@contextmanager
def _durable() -> Iterator[None]:
    """The row on disk when its statement commits, before the sender hears 250/202.
    SQLite runs with synchronous=NORMAL (settings), whose commits a power loss may undo
    while the fsynced raw file stays: the sender would have been told "stored" of a
    message no row names. This insert alone is committed with FULL (the log synced at
    commit, one fsync); the worker's many commits stay NORMAL, as a lost one is a row
    still pending, processed again. PostgreSQL commits durably anyway. In autocommit
    the insert is its own transaction (no BEGIN, no savepoint: a refused insert undoes
    nothing); inside a caller's transaction it gets a savepoint, and the caller's commit
    decides. The pragmas go to SQLite directly: two statements a message, not worth
    Django's cursor."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    database = connection.connection
    database.execute("PRAGMA synchronous = FULL")
    try:
        yield
    finally:
        database.execute("PRAGMA synchronous = NORMAL")  # as settings.DATABASES has it


def _hand_to_worker(row: RawMessage) -> bool:
    """The accept step stays tiny (raw on disk, one row, at most one task): the sender
    gets its 250/202 at once and the worker does the rest (worker.py). No task when one
    waits already (core.taskqueue.waiting): when it starts, it takes this row too, and
    goes on while rows wait (worker.process_ids). In a burst that is one task a batch,
    not one a message, for the accept step to store and the worker to run. Enqueued
    directly, not on commit: the row is already committed (accept runs in autocommit),
    and inside a caller's transaction the database task backend stores the task in that
    same transaction. Under the immediate backend (tests) the message is processed here.
    Returns whether the task has run already."""
    from .tasks import process_inbound  # the task module imports this one

    try:
        if taskqueue.waiting(process_inbound):
            return False
        return process_inbound.enqueue([row.pk]).is_finished
    except Exception:  # noqa: BLE001 — stored is enough: retry_failed takes it up (A6)
        log.exception("queueing raw message %s for the worker failed", row.sha256)
        return False


def claim(row: RawMessage) -> bool:
    """Take `row` for this process (a conditional UPDATE that counts the attempt), so two
    processes that received the same bytes at the same moment do not both make a case
    of it. False when another process took it first."""
    claimed = RawMessage.objects.filter(
        pk=row.pk,
        state__in=[RawState.PENDING, RawState.FAILED, RawState.PROCESSING],
        attempts=row.attempts,
    ).update(state=RawState.PROCESSING, attempts=row.attempts + 1, claimed_at=timezone.now())
    if claimed:
        row.attempts += 1
    return bool(claimed)


def process(row: RawMessage, *, claimed: bool = False) -> None:
    """Turn a stored raw message into a case message. Safe to run again after a failure.

    The row is claimed first (`claim`) unless the caller has claimed it already (the
    worker's batch claim, which counts the attempt the same way)."""
    if not claimed and not claim(row):
        return
    work = read(row)
    if work is not None and write(work):
        follow_through(work)
        _followed_through([work])


def process_batch(rows: list[RawMessage]) -> None:
    """`process` for rows the worker has claimed. The writes of all of them are one
    transaction (`_write_together`): one BEGIN and one COMMIT for the batch instead of
    one for every message, in order, so a message finds the cases and customers of
    those before it (a customer's second mail in the same burst joins the first one's
    case). Every message still commits or fails on its own (A6): when one of them fails,
    the batch's transaction is rolled back and each message is written again in a
    transaction of its own, as `process` writes it.

    On PostgreSQL several workers do this at once. Nothing every new case writes is one
    row that a batch would hold locked until its commit: case numbers come from a
    sequence and the queue's tallies are striped (cases migration 0017). Two batches
    that lock the same rows (one customer's mails in both) wait for each other. So that
    they do not deadlock, each batch writes its messages in the order of their senders'
    addresses (a sender's own in the order they came): both then take the customers'
    rows in the same order. Should two batches still deadlock, PostgreSQL fails one of
    them, and that one is written message by message.

    A stored message's row stays PROCESSING, with its case message, until its matching
    and acknowledgement are done: a worker stopped in between leaves it to
    `retry_failed`, which does only what is left (`_stored_before`), so no message that
    was stored goes without its acknowledgement."""
    works = [work for work in map(read, rows) if work is not None]
    if connection.vendor == "postgresql":  # several workers (above); SQLite has one
        works.sort(key=lambda work: work.prepared.inbound.from_address.strip().lower())
    works = _write_together(works)
    for work in works:
        follow_through(work)
    _followed_through(works)


def _write_together(works: "list[Work]") -> "list[Work]":
    """The writes of `works` in one transaction; each on its own again if one fails.
    Returns those written."""
    try:
        with transaction.atomic():
            _mark([_write(work) for work in works])
    except Exception:  # noqa: BLE001 — the batch is undone; each message on its own now
        log.warning("a batch of %s messages failed: each on its own", len(works), exc_info=True)
        for work in works:
            work.received = None
        return [work for work in works if write(work)]
    return works


@dataclass
class Work:
    """A claimed raw message on its way: read (`read`), then written (`write`)."""

    row: RawMessage
    raw: bytes
    parsed: ParsedEmail
    kind: str
    prepared: intake.Prepared
    received: intake.Received | None = None


def read(row: RawMessage) -> Work | None:
    """The slow work (parsing, new text, masking, sanitising, storing the files) before
    the write transaction: SQLite has one writer, and every other write (the API, SMTP,
    an agent opening a case) waits for this one (issue #10). None when it failed (kept
    and marked, `_failed`)."""
    try:
        raw = rawstore.get(row.sha256)
    except Exception:  # noqa: BLE001 — the row stays; retry_failed takes it up (A6)
        log.exception("reading raw message %s failed", row.sha256)
        return None
    try:
        parsed = parse_email(raw)
        kind = classify(parsed)
        prepared = intake.prepare(_inbound(parsed, row), attachments=parsed.attachments)
        if kind == "normal":  # unmarked machine mail: filed, never answered (loops.py)
            kind = loops.automatic_kind(row.shop, prepared.inbound) or kind
    except Exception as error:  # noqa: BLE001 — A6: keep it, show it, never lose it
        _failed(row, raw, error)
        return None
    return Work(row, raw, parsed, kind, prepared)


def write(work: Work) -> bool:
    """The writes of one message in a transaction of its own; False when they failed."""
    try:
        with transaction.atomic():
            _mark([_write(work)])
    except Exception as error:  # noqa: BLE001 — A6: keep it, show it, never lose it
        _failed(work.row, work.raw, error)
        return False
    return True


def _failed(row: RawMessage, raw: bytes, error: Exception) -> None:
    """Marked failed, for retry_failed to take up; the third failure becomes an
    'unreadable' case (A6). Never raises: the rest of the batch goes on."""
    log.error("processing raw message %s failed", row.sha256, exc_info=error)
    try:
        RawMessage.objects.filter(pk=row.pk).update(state=RawState.FAILED, error=repr(error)[:2000])
        if row.attempts >= 3:
            _as_unreadable_case(row, raw, error)
    except Exception:  # noqa: BLE001 — the row stays as it was; retry_failed takes it up
        log.exception("marking raw message %s failed failed too", row.sha256)


def follow_through(work: Work) -> None:
    """Matching and the acknowledgement once the message is safely stored (A6).
    Imported history (a migration) is not news to the customer: no acknowledgement.
    X-Auto-Response-Suppress is the sender asking for no automatic answers; it does not
    make the mail automatic (Outlook sets it on mail people write, too)."""
    if work.received is None:
        return
    suppressed = _SUPPRESS.search(work.parsed.header("x-auto-response-suppress"))
    acknowledged = work.received.acknowledged  # by an earlier attempt (_stored_before)
    intake.follow_through(
        work.received,
        acknowledge=not suppressed and work.row.source != Source.IMPORT and not acknowledged,
    )


_DONE = (
    f"UPDATE {RawMessage._meta.db_table} SET state = %s, processed_at = %s "  # noqa: S608 — the model's table; every value a parameter
    "WHERE state = %s AND id IN ({})"
)


def _followed_through(works: list[Work]) -> None:
    """The stored messages' rows marked processed, once their follow-through is done."""
    ids = [work.row.pk for work in works if work.received is not None]
    if not ids:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _DONE.format(marks(ids)),
            [RawState.PROCESSED, now, RawState.PROCESSING, *ids],
        )


def _write(work: Work) -> list | None:
    """The message's writes; returns how its raw row is to be marked (`_mark`), in the
    same transaction."""
    work.received, mark = _process(work.row, work.parsed, work.kind, work.prepared)
    return mark


@transaction.atomic(savepoint=False)  # in write's transaction, or the batch's
def _process(
    row: RawMessage, parsed: ParsedEmail, kind: str, prepared: intake.Prepared
) -> tuple[intake.Received | None, list | None]:
    """The writes, and the reads they depend on (duplicates, bounces). Returns what
    intake stored, or None when the mail needs no case, and the raw row's marks, for
    the caller to write in the same commit (`_mark`)."""
    if row.case_message_id:  # stored by an attempt that stopped before its follow-through
        return _stored_before(row, parsed, kind)
    shop, inbound = row.shop, prepared.inbound
    earlier = _same_message_id(shop, parsed)
    duplicate = _duplicate_of(earlier, inbound)
    if duplicate:
        return None, _finish(row, RawState.DUPLICATE, kind, parsed, duplicate)
    if kind == "bounce" and _link_bounce(parsed, row.received_at):
        return None, _finish(row, RawState.IGNORED, kind, parsed, None)
    if earlier and MESSAGE_ID_REUSED not in inbound.parse_warnings:
        # The same Message-ID with another text: a message of its own, flagged (A6).
        inbound.parse_warnings.append(MESSAGE_ID_REUSED)
    received = intake.store(
        shop,
        "email",
        prepared,
        hint=[*row.envelope_to, *parsed.to, *parsed.cc],  # where a per-case address stands
        automatic=kind != "normal",
    )
    # PROCESSING until the follow-through is done too (_followed_through).
    return received, _finish(row, RawState.PROCESSING, kind, parsed, received.message)


def _stored_before(
    row: RawMessage, parsed: ParsedEmail, kind: str
) -> tuple[intake.Received | None, list | None]:
    """What an earlier attempt stored before it stopped (a worker killed between the
    batch's commit and the acknowledgements): the follow-through is what is left, and
    the acknowledgement only if it is not in the outbox already."""
    message = Message.objects.select_related("case__shop").filter(pk=row.case_message_id).first()
    if message is None:  # erased since (GDPR): nothing is left to follow through
        return None, _finish(row, RawState.PROCESSED, kind, parsed, None)
    case = message.case
    first = case.messages.filter(direction=Direction.INBOUND).order_by("id").first()
    received = intake.Received(
        case,
        message,
        opened=first is not None and first.pk == message.pk,
        channel="email",
        automatic=kind != "normal",
        acknowledged=OutboundEmail.objects.filter(
            case_message=message, kind=OutboundKind.ACK
        ).exists(),
    )
    return received, None  # its row is marked already


def _inbound(parsed: ParsedEmail, row: RawMessage) -> Inbound:
    """The mail as intake takes it; intake masks personal identity numbers (C3)."""
    text = parsed.text or html_to_text(parsed.html)
    warnings = list(parsed.warnings) + (["too_large"] if row.truncated else [])  # HTTP 413
    return Inbound(
        from_address=(parsed.from_address or "").lower(),
        from_name=parsed.from_name,
        subject=parsed.subject,
        body_text=text,
        body_html=sanitize_html(parsed.html) if parsed.html else "",
        new_text=extract_new_text(text),
        received_at=row.received_at,
        to_addresses=parsed.to,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        raw_sha256=row.sha256,
        parse_warnings=warnings,
    )


_SAME_MESSAGE_ID = (
    "SELECT m.id, m.case_id, m.from_address, m.body_text "  # noqa: S608 — the models' tables
    f"FROM {Message._meta.db_table} m "
    f"WHERE m.message_id = %s AND m.direction = %s AND {of_shop('m')} ORDER BY m.id"
)


def _same_message_id(shop, parsed: ParsedEmail) -> list[Message]:
    """The shop's inbound messages with this Message-ID. One fixed statement, as the
    ORM's `filter(case__shop=…, direction=…, message_id=…).only(…)` but without compiling
    it again for every message (some 0.3 ms)."""
    if not parsed.message_id:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_SAME_MESSAGE_ID, [parsed.message_id, Direction.INBOUND.value, shop.pk])
        rows = cursor.fetchall()
    fields = ["id", "case_id", "from_address", "body_text"]  # as .only() would load them
    return [Message.from_db(connection.alias, fields, row) for row in rows]


def body_hash(text: str) -> str:
    """The text as a relay may re-wrap it: NULs as stored (clean_inbound), whitespace run
    together, so a copy that came another way hashes the same and a changed text does not."""
    normalised = " ".join(text.replace("\x00", "\ufffd").split())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _duplicate_of(earlier: list[Message], inbound: Inbound) -> Message | None:
    """The same Message-ID, sender and text in this shop: one message, not two. The same
    Message-ID with another text is not a copy and must not vanish into the first."""
    sender, text = inbound.from_address, body_hash(inbound.body_text)
    return next(
        (m for m in earlier if m.from_address == sender and body_hash(m.body_text) == text), None
    )


_FINISH = (
    f"UPDATE {RawMessage._meta.db_table} SET state = %s, kind = %s, message_id = %s, "  # noqa: S608 — the model's table; every value a parameter
    "case_message_id = %s, error = '', processed_at = %s WHERE id = %s"
)


def _finish(row, state, kind, parsed, message) -> list:
    """How the raw row is marked done (or stored, while PROCESSING): `_FINISH`'s values."""
    done = None if state == RawState.PROCESSING else timezone.now()
    processed_at = connection.ops.adapt_datetimefield_value(done)
    message_id = parsed.message_id[:998].replace("\x00", "")
    return [state, kind, message_id, message.pk if message else None, processed_at, row.pk]


def _mark(finished: list[list | None]) -> None:
    """The raw rows marked (`_finish`'s values; None: nothing to mark), in the
    transaction of their writes. One fixed statement, sent for the whole batch at once
    (psycopg sends them in a pipeline: one round trip to the server, not one for every
    message; the ORM's update() compiled it again for every message)."""
    values = [row for row in finished if row is not None]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(_FINISH, values)


def _link_bounce(parsed: ParsedEmail, at: datetime) -> bool:
    """A bounce of our own mail marks that outbound email and shows on its case."""
    bounced = getattr(parsed, "bounced_message_id", "") or ""
    row = OutboundEmail.objects.filter(message_id=bounced).first() if bounced else None
    if row is None:
        return False
    if parsed.delivery_delayed:
        # "Still trying": the remote server may yet deliver it. Shown, not marked failed.
        record_event(
            row.case_id, EventKind.DELIVERY_DELAYED, at=at, outbound=row.pk, to=row.to_address
        )
        return True
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundState.BOUNCED, last_error=parsed.text[:2000]
    )
    record_event(row.case_id, EventKind.BOUNCED, at=at, outbound=row.pk, to=row.to_address)
    return True


def _as_unreadable_case(row: RawMessage, raw: bytes, error: Exception) -> None:
    """Last resort (A6): the message could not be processed; a person must see it. With
    its sender, subject and text when those can still be read, so the agent can answer;
    if even that case cannot be made, one with the raw source as its text."""
    warnings = ["unprocessable", type(error).__name__]
    try:
        _open_unreadable_case(row, _readable(raw, row, warnings))
    except Exception:  # noqa: BLE001 — what could be read is the trouble: keep the raw
        log.exception("the readable unprocessable case for %s failed", row.sha256)
        text, _ = mask_personal_numbers(raw.decode("utf-8", errors="replace"))
        _open_unreadable_case(
            row,
            Inbound(
                from_address="",
                subject="",
                body_text=text[:100_000],
                received_at=row.received_at,
                raw_sha256=row.sha256,
                parse_warnings=warnings,
            ),
        )


def _readable(raw: bytes, row: RawMessage, warnings: list[str]) -> Inbound:
    parsed = parse_email(raw)
    text, _ = mask_personal_numbers(parsed.text or html_to_text(parsed.html))
    return Inbound(
        from_address=(parsed.from_address or "").lower(),
        from_name=parsed.from_name,
        subject=mask_personal_numbers(parsed.subject)[0],
        body_text=text[:100_000],
        received_at=row.received_at,
        to_addresses=parsed.to,
        message_id=parsed.message_id,
        raw_sha256=row.sha256,
        parse_warnings=[*warnings, *parsed.warnings, *(["too_large"] if row.truncated else [])],
    )


def _open_unreadable_case(row: RawMessage, inbound: Inbound) -> None:
    with transaction.atomic():
        case = cases.open_case(row.shop, "email", inbound)
        RawMessage.objects.filter(pk=row.pk).update(
            state=RawState.PROCESSED, case_message=case.messages.get(), processed_at=timezone.now()
        )


def retry_failed() -> int:
    """Process stored messages that failed, were never processed, or whose processing
    died with its worker (a crash between storing and processing): taken PROCESSING_LEASE
    ago and not done. The lease runs from the claim: a row of a backlog that arrived an
    hour ago and was taken a second ago is being processed, not dead. The third failure
    becomes an 'unreadable' case (A6)."""
    now = timezone.now()
    rows = RawMessage.objects.filter(
        Q(state__in=[RawState.FAILED, RawState.PENDING], received_at__lte=now - RETRY_AFTER)
        | Q(state=RawState.PROCESSING, claimed_at__lte=now - PROCESSING_LEASE)
        # Taken before claimed_at was kept: by the arrival, as then.
        | Q(state=RawState.PROCESSING, claimed_at=None, received_at__lte=now - PROCESSING_LEASE)
    )[:200]
    with batchcache.batch():  # the shops' settings read once for the lot
        for row in rows:
            process(row)
    return len(rows)
