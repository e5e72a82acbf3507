"""One way in: a customer's message, from whichever channel, becomes a case message.

    receive = prepare → store → follow_through

`prepare` does the slow work before any write (masking C3, cleaning, the attachment
bytes into the file store); `store` is the short write transaction (thread, open the
case or add the message, the attachment rows); `follow_through` runs once the message is
stored: order matching (C4) and the acknowledgement (A1–A5), each on its own, so neither
failing can lose the message (A6). Most channels call `receive`. A channel whose own
bookkeeping must commit with the message (the email pipeline's raw row, the contact
form's visit) calls the three steps itself, with `store` inside its own transaction.

A channel is an adapter (`kundsvar.channels.registry`): it parses its input into an
`Inbound`, threads, and acknowledges; intake asks it through the registry.
"""

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.attachments import Stored, save_files, store_files
from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, EventKind, Message
from kundsvar.cases.services import Inbound
from kundsvar.channels.registry import NEW_CASE, Thread, channel_for
from kundsvar.commerce import matching
from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.sla import services as sla
from kundsvar.topics import intent
from kundsvar.topics.models import Topic

log = logging.getLogger(__name__)
MASKED = "personal_number_masked"  # a parse warning code, shown as a notice (C3)
_MASKED_FIELDS = ("from_name", "subject", "body_text", "body_html", "new_text")


@dataclass
class Prepared:
    """An Inbound ready to store: masked and cleaned, its files in the file store."""

    inbound: Inbound
    files: list[Stored | None] = field(default_factory=list)
    masked: bool = False


@dataclass
class Received:
    """What became of a message: its case, whether that case is new, and what followed."""

    case: Case
    message: Message
    opened: bool
    channel: str
    masked: bool = False
    automatic: bool = False
    acknowledged: bool = False


def receive(
    shop,
    channel: str,
    inbound: Inbound,
    *,
    attachments=(),
    order_hint=None,
    case: Case | None = None,
    new_case: bool = False,
    customer=None,
    hint=None,
    automatic: bool = False,
    asks_again: bool = False,
    acknowledge: bool = True,
    now: datetime | None = None,
) -> Received:
    """A message from a customer, by `channel`, into a case.

    Which case: `case` when the caller knows it (a follow-up from the portal, a rating's
    comment); a new one when `new_case` (an API call opens a case); else the channel's
    adapter threads it, with `hint`. `customer` is whom a new case is for when the
    address cannot tell (the portal's old case). `attachments`: Files or parsed MIME
    parts. `order_hint`: an order the customer is known to ask about (the form's signed
    link), linked for certain (C4). `automatic` (an out-of-office reply) is filed and
    never acknowledged; `acknowledge=False` when the channel shows the message to the
    customer itself. `asks_again`: see `cases.services.add_inbound_message`."""
    prepared = prepare(inbound, attachments=attachments, now=now)
    received = store(
        shop,
        channel,
        prepared,
        case=case,
        new_case=new_case,
        customer=customer,
        hint=hint,
        automatic=automatic,
        asks_again=asks_again,
    )
    return follow_through(received, order_hint=order_hint, acknowledge=acknowledge)


def prepare(inbound: Inbound, *, attachments=(), now: datetime | None = None) -> Prepared:
    """The slow part, before any write: personal identity numbers masked in every text
    that is stored (C3), the text cleaned for both databases, the files' bytes stored."""
    inbound, masked = mask(inbound)
    if inbound.received_at is None:
        inbound = replace(inbound, received_at=now or timezone.now())
    return Prepared(cases.clean_inbound(inbound), store_files(attachments), masked)


def mask(inbound: Inbound) -> tuple[Inbound, bool]:
    """`inbound` with its personal identity numbers masked (C3), and whether any was.
    Masking twice changes nothing, so a channel may mask its own fields first."""
    changes: dict[str, Any] = {}
    masked = False
    for name in _MASKED_FIELDS:
        text, count = mask_personal_numbers(getattr(inbound, name))
        changes[name], masked = text, masked or bool(count)
    warnings = list(inbound.parse_warnings)
    if masked and MASKED not in warnings:
        warnings.append(MASKED)
    return replace(inbound, **changes, parse_warnings=warnings), masked or MASKED in warnings


# No savepoint inside the caller's transaction: a failure here fails the caller's whole
# commit anyway (two statements less per message).
@transaction.atomic(savepoint=False)
def store(
    shop,
    channel: str,
    prepared: Prepared,
    *,
    case: Case | None = None,
    new_case: bool = False,
    customer=None,
    hint=None,
    automatic: bool = False,
    asks_again: bool = False,
) -> Received:
    """The writes: thread, open the case or add the message, the attachment rows. In a
    transaction of its own, or in the caller's when it has bookkeeping to commit with it."""
    inbound = prepared.inbound
    thread = _thread(shop, channel, inbound, case=case, new_case=new_case, hint=hint)
    if thread.case is not None:
        if thread.new_participant:
            at = inbound.received_at or timezone.now()  # prepare() set it
            cases.add_participant(thread.case, inbound.from_address, at=at)
        message = cases.add_inbound_message(
            thread.case, inbound, automatic=automatic, asks_again=asks_again
        )
        opened, target = False, message.case
    else:
        target, message = cases.start_case(shop, channel, inbound, customer=customer)
        opened = True
        if thread.refused:
            at = message.created_at
            record_event(target, EventKind.INBOUND, at=at, refers_to_other_case=thread.refused)
    save_files(message, prepared.files)
    return Received(target, message, opened, channel, prepared.masked, automatic)


def _thread(shop, channel: str, inbound: Inbound, *, case, new_case: bool, hint) -> Thread:
    if case is not None:
        return Thread(case)
    adapter = None if new_case else channel_for(channel)
    return adapter.thread(shop, inbound, hint) if adapter else NEW_CASE


def follow_through(received: Received, *, order_hint=None, acknowledge: bool = True) -> Received:
    """After the message is stored: link its orders (C4) before the acknowledgement shows
    them (A5), then acknowledge (A1–A5). Each on its own: a failure is logged, and the
    message stands (A6)."""
    case, message = received.case, received.message
    if received.opened and case.topic_id is None:
        # No topic chosen (email, chat, social): detected before the acknowledgement
        # states the topic's response time. Reads only, so no transaction unless found.
        _logged(case, "topic detection", _detect_topic, case, message)
    # match_case writes in a transaction of its own; no BEGIN around its reads (on
    # SQLite an IMMEDIATE one waits for the write lock even when the shop has no orders).
    match = matching.match_case
    if transaction.get_connection().in_atomic_block:  # a savepoint keeps the caller's intact
        match = transaction.atomic()(match)
    _logged(case, "matching", match, case, now=message.created_at)
    if order_hint is not None:
        _best_effort(
            case, "order link", matching.link_confirmed, case, order_hint, reason=received.channel
        )
    adapter = channel_for(received.channel)  # the way the message came is the way back
    if acknowledge and not received.automatic and adapter is not None:
        try:
            if adapter.should_acknowledge(case, message):
                adapter.acknowledge(case, message)  # renders, then its own short transaction
                received.acknowledged = True
        except Exception:  # noqa: BLE001 — the case is stored; a person answers it
            log.exception("acknowledging case %s failed", case.number)
    return received


def _detect_topic(case: Case, message: Message) -> None:
    subject = "" if case.subject_derived else case.subject
    guess = intent.detect(case.shop, f"{subject}\n{message.display_text}")
    if guess is None or guess.topic_id is None:
        return
    with transaction.atomic():
        topic = Topic.objects.get(pk=guess.topic_id)
        updated = cases.set_topic(
            case, topic, source="detected", confidence=guess.confidence, now=message.created_at
        )
    for name in ("topic", *sla.SLA_FIELDS):  # what the acknowledgement reads next
        setattr(case, name, getattr(updated, name))


def _best_effort(case: Case, what: str, function, *args, **kwargs) -> None:
    """`function` in a transaction (a savepoint in the caller's); a failure is logged."""
    _logged(case, what, transaction.atomic()(function), *args, **kwargs)


def _logged(case: Case, what: str, function, *args, **kwargs) -> None:
    try:
        function(*args, **kwargs)
    except Exception:  # noqa: BLE001 — A6: a failed lookup never loses the message
        log.exception("%s for case %s failed", what, case.number)
