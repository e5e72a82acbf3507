"""One pipeline for every way mail comes in (IMAP, SMTP/LMTP, HTTP, import):

store raw → dedupe → parse → classify → thread → new text → store → acknowledge.

The raw bytes are on disk before anything else happens, and nothing the customer sent
is dropped (rule A6): a message that cannot be parsed still becomes a case, with the
raw source kept and a visible parse warning.
"""

import hashlib
import logging
import re
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Attachment, CaseEvent, Direction, EventKind, Message
from kundsvar.cases.services import Inbound
from kundsvar.commerce import matching
from kundsvar.core.privacy import mask_personal_numbers

from . import emails, loops, outbox, rawstore
from .classify import classify
from .htmltext import html_to_text, sanitize_html
from .models import OutboundEmail, OutboundKind, OutboundState, RawMessage, RawState, Source
from .parse import ParsedEmail, parse_email
from .quotes import extract_new_text
from .threading import find_case

log = logging.getLogger(__name__)
_SUPPRESS = re.compile(r"\b(all|autoreply|oof)\b", re.IGNORECASE)
RETRY_AFTER = timedelta(minutes=1)
PROCESSING_LEASE = timedelta(minutes=10)  # processing one message never takes this long
ACK_MAX_AGE = timedelta(days=1)  # older mail (an outage, a first poll) gets no receipt now
_NO_ACK_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply")


def receive(raw: bytes, *, shop, source: str, envelope_to: list[str] | None = None,
            received_at: datetime | None = None) -> RawMessage:
    """Store, then process. The same bytes delivered again are the same row."""
    sha = rawstore.put(raw)
    row, created = RawMessage.objects.get_or_create(sha256=sha, defaults={
        "size": len(raw), "source": source, "shop": shop, "envelope_to": envelope_to or [],
        "received_at": received_at or timezone.now()})
    if row.shop_id != shop.pk:
        # The very same bytes for a second shop: that shop's own copy, marked the way a
        # mail server marks a local delivery, so each shop gets its case (A6).
        copy = f"Delivered-To: {shop.email}\r\n".encode() + raw
        return receive(copy, shop=shop, source=source, envelope_to=envelope_to,
                       received_at=received_at)
    if created or row.state in (RawState.PENDING, RawState.FAILED):
        process(row)
        row.refresh_from_db()
    return row


def process(row: RawMessage) -> None:
    """Turn a stored raw message into a case message. Safe to run again after a failure.

    The row is claimed first (a conditional UPDATE), so two processes that received the
    same bytes at the same moment do not both make a case of it."""
    claimed = RawMessage.objects.filter(
        pk=row.pk, state__in=[RawState.PENDING, RawState.FAILED, RawState.PROCESSING],
        attempts=row.attempts).update(state=RawState.PROCESSING, attempts=row.attempts + 1)
    if not claimed:
        return
    row.attempts += 1
    raw = rawstore.get(row.sha256)
    try:
        parsed = parse_email(raw)
        _process(row, parsed)
    except Exception as error:  # noqa: BLE001 — A6: keep it, show it, never lose it
        log.exception("processing raw message %s failed", row.sha256)
        RawMessage.objects.filter(pk=row.pk).update(state=RawState.FAILED,
                                                     error=repr(error)[:2000])
        if row.attempts >= 3:
            _as_unreadable_case(row, raw, error)


@transaction.atomic
def _process(row: RawMessage, parsed: ParsedEmail) -> None:
    shop = row.shop
    kind = classify(parsed)
    duplicate = _duplicate_of(shop, parsed) if parsed.message_id else None
    if duplicate:
        _finish(row, RawState.DUPLICATE, kind, parsed, duplicate)
        return
    if kind == "bounce" and _link_bounce(parsed, row.received_at):
        _finish(row, RawState.IGNORED, kind, parsed, None)
        return

    inbound = _inbound(parsed, row)
    if kind == "normal":  # unmarked machine mail: filed, never answered (loops.py)
        kind = loops.automatic_kind(shop, inbound) or kind
    thread = find_case(shop, sender=inbound.from_address, subject=parsed.subject,
                       in_reply_to=parsed.in_reply_to, references=" ".join(parsed.references),
                       recipients=[*row.envelope_to, *parsed.to, *parsed.cc],
                       now=inbound.received_at)
    automatic = kind != "normal"
    if thread.case:
        message = cases.add_inbound_message(thread.case, inbound, automatic=automatic)
        case = message.case
    else:
        case = cases.open_case(shop, "email", inbound)
        message = case.messages.get()
        if thread.refused:
            CaseEvent.objects.create(case=case, kind=EventKind.INBOUND,
                                     created_at=message.created_at,
                                     data={"refers_to_other_case": thread.refused})
    _save_attachments(message, parsed)
    _finish(row, RawState.PROCESSED, kind, parsed, message)
    try:  # C4: link the order before the acknowledgement shows it (A5)
        with transaction.atomic():
            matching.match_case(case, now=message.created_at)
    except Exception:  # noqa: BLE001 — A6: a failed lookup never loses the mail
        log.exception("matching case %s to orders failed", case.number)
    # Imported history (a migration) is not news to the customer: no acknowledgement.
    # X-Auto-Response-Suppress is the sender asking for no automatic answers; it does
    # not make the mail automatic (Outlook sets it on mail people write, too).
    suppressed = _SUPPRESS.search(parsed.header("x-auto-response-suppress"))
    if (not automatic and not suppressed and row.source != Source.IMPORT
            and should_acknowledge(case, message)):
        acknowledge(case, message)


def _inbound(parsed: ParsedEmail, row: RawMessage) -> Inbound:
    text = parsed.text or html_to_text(parsed.html)
    text, masked = mask_personal_numbers(text)
    new_text, _ = mask_personal_numbers(extract_new_text(text))
    html = sanitize_html(mask_personal_numbers(parsed.html)[0]) if parsed.html else ""
    warnings = list(parsed.warnings) + (["personal_number_masked"] if masked else [])
    return Inbound(
        from_address=(parsed.from_address or "").lower(), from_name=parsed.from_name,
        subject=mask_personal_numbers(parsed.subject)[0], body_text=text, body_html=html,
        new_text=new_text,
        received_at=row.received_at, to_addresses=parsed.to, message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to, references=" ".join(parsed.references),
        raw_sha256=row.sha256, parse_warnings=warnings,
    )


def _duplicate_of(shop, parsed: ParsedEmail) -> Message | None:
    """The same Message-ID from the same sender in this shop: one message, not two."""
    return (Message.objects.filter(case__shop=shop, direction=Direction.INBOUND,
                                   message_id=parsed.message_id,
                                   from_address=(parsed.from_address or "").lower())
            .order_by().only("pk", "case_id").first())


def _finish(row, state, kind, parsed, message) -> None:
    RawMessage.objects.filter(pk=row.pk).update(
        state=state, kind=kind, message_id=parsed.message_id[:998].replace("\x00", ""),
        case_message=message,
        error="", processed_at=timezone.now())


def _save_attachments(message: Message, parsed: ParsedEmail) -> None:
    for part in parsed.attachments:
        attachment = Attachment(
            message=message, filename=(part.filename or "bilaga")[:255],
            content_type=part.content_type[:255], size=len(part.payload),
            sha256=hashlib.sha256(part.payload).hexdigest(), inline=part.inline)
        attachment.file.save(attachment.filename, ContentFile(part.payload), save=False)
        attachment.save()


def acknowledge(case, message: Message) -> None:
    """Queue the acknowledgement of `message` (rules A1–A5). Callers check
    `should_acknowledge` first: the web form and the API do it the same way as email."""
    outbox.queue(case, OutboundKind.ACK, message, emails.acknowledgement(case, message),
                 now=message.created_at)
    CaseEvent.objects.create(case=case, kind=EventKind.ACKNOWLEDGED,
                             created_at=message.created_at, data={"message": message.pk})


def should_acknowledge(case, message: Message) -> bool:
    """Rules A1–A5, without loops: only to real people, at most a few per hour."""
    sender = message.from_address.lower()
    if not sender or "@" not in sender or sender.split("@")[0] in _NO_ACK_SENDERS:
        return False
    if sender == case.shop.email.lower():
        return False
    if message.created_at < timezone.now() - ACK_MAX_AGE:
        return False
    if message.is_follow_up is False and case.messages.filter(
            direction=Direction.INBOUND).count() > 1:
        return False  # more words on an unanswered question: the promise stands
    return loops.within_ack_limits(case.shop, sender, message.created_at)


def _link_bounce(parsed: ParsedEmail, at: datetime) -> bool:
    """A bounce of our own mail marks that outbound email and shows on its case."""
    bounced = getattr(parsed, "bounced_message_id", "") or ""
    row = OutboundEmail.objects.filter(message_id=bounced).first() if bounced else None
    if row is None:
        return False
    if parsed.delivery_delayed:
        # "Still trying": the remote server may yet deliver it. Shown, not marked failed.
        CaseEvent.objects.create(case_id=row.case_id, kind=EventKind.DELIVERY_DELAYED,
                                 created_at=at, data={"outbound": row.pk, "to": row.to_address})
        return True
    OutboundEmail.objects.filter(pk=row.pk).update(state=OutboundState.BOUNCED,
                                                   last_error=parsed.text[:2000])
    CaseEvent.objects.create(case_id=row.case_id, kind=EventKind.BOUNCED, created_at=at,
                             data={"outbound": row.pk, "to": row.to_address})
    return True


def _as_unreadable_case(row: RawMessage, raw: bytes, error: Exception) -> None:
    """Last resort (A6): the message could not be processed; a person must see it."""
    text = raw.decode("utf-8", errors="replace")
    text, _ = mask_personal_numbers(text)
    with transaction.atomic():
        case = cases.open_case(row.shop, "email", Inbound(
            from_address="", subject="", body_text=text[:100_000], received_at=row.received_at,
            raw_sha256=row.sha256, parse_warnings=["unprocessable", type(error).__name__]))
        RawMessage.objects.filter(pk=row.pk).update(
            state=RawState.PROCESSED, case_message=case.messages.get(), processed_at=timezone.now())


def retry_failed() -> int:
    """Process stored messages that failed, were never processed, or whose processing
    died with its worker (a crash between storing and processing). The third failure
    becomes an 'unreadable' case (A6)."""
    now = timezone.now()
    rows = RawMessage.objects.filter(
        Q(state__in=[RawState.FAILED, RawState.PENDING], received_at__lte=now - RETRY_AFTER)
        | Q(state=RawState.PROCESSING, received_at__lte=now - PROCESSING_LEASE))[:200]
    for row in rows:
        process(row)
    return len(rows)
