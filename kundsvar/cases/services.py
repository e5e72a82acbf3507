"""Every write to a case goes through a named service here; nobody saves a case directly.

Each function runs in one transaction, locks the case row it changes, writes an audit
event, and queues side effects with on_commit so nothing is sent for a change that
rolled back.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundsvar.automations import hooks as automations
from kundsvar.channels.registry import channel_for
from kundsvar.core.inserts import insert
from kundsvar.core.language import CUSTOMER_LANGUAGES, detect_language
from kundsvar.core.rows import fetch
from kundsvar.core.text import case_subject, strip_reply_prefixes
from kundsvar.customers.models import Customer
from kundsvar.customers.services import (
    find_or_create_customer,
    merge_customers,
    set_customer_language,
)
from kundsvar.notifications import services as notifications
from kundsvar.search.services import index_on_commit
from kundsvar.sla import services as sla
from kundsvar.webhooks import payloads as webhook_payloads
from kundsvar.webhooks import services as webhooks
from kundsvar.webhooks.models import Event

from . import attachments, queries
from .events import record_event
from .models import (
    Case,
    CaseView,
    Channel,
    Counter,
    Direction,
    EventKind,
    Message,
    Participant,
    Priority,
    SavedReply,
    SlaState,
    Status,
    Tag,
)

FIRST_CASE_NUMBER = 10001
# A customer who writes to a case closed longer ago than this starts a new case.
FOLLOW_UP_WINDOW = timedelta(days=30)
FALLBACK_SUBJECT = {"sv": "Fråga", "nb": "Spørsmål", "da": "Spørgsmål", "en": "Question"}


class CaseError(ValueError):
    """A write that the rules do not allow; the message is safe to show."""


class StaleView(CaseError):
    """Someone replied, or the customer wrote, since the agent opened the composer."""


@dataclass
class Inbound:
    """What a channel hands over: one message from a customer."""

    from_address: str
    body_text: str
    from_name: str = ""
    subject: str = ""
    body_html: str = ""
    received_at: datetime | None = None
    language: str = ""  # the customer's, when the channel knows it (the API caller said)
    language_hint: str = ""  # a guess for texts too short to tell (the form page's language)
    to_addresses: list[str] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    new_text: str = ""
    raw_sha256: str = ""
    parse_warnings: list[str] = field(default_factory=list)
    topic_id: int | None = None  # what it is about: the customer chose it, or detection


def _clean(value, limit: int | None = None):
    """PostgreSQL refuses NUL in text and enforces lengths; SQLite does neither. Clean
    here once, so every channel stores the same thing on both (rule A6: never refuse)."""
    if isinstance(value, list):
        return [_clean(item, limit) for item in value]
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", "\ufffd")
    return value[:limit] if limit else value


@cache
def _limits() -> dict[str, int | None]:
    """Each Inbound field's length limit: the Message column's. The model's fields are
    fixed once Django has loaded it, and every inbound message is cleaned: read once."""
    limits = {f.name: getattr(f, "max_length", None) for f in Message._meta.fields}
    limits["to_addresses"] = 320
    return limits


def clean_inbound(inbound: Inbound) -> Inbound:
    limits = _limits()
    cleaned = replace(
        inbound,
        **{
            name: _clean(getattr(inbound, name), limits.get(name))
            for name in inbound.__dataclass_fields__
            if name != "received_at"
        },
    )
    # "Karin <karin@example.se>" from a form or the API: the name and the address apart.
    name, address = parseaddr(cleaned.from_address)
    if address and "@" in address:
        cleaned = replace(
            cleaned, from_address=address.lower(), from_name=cleaned.from_name or name[:200]
        )
    return cleaned


CASE_NUMBERS = "cases_case_number_seq"  # PostgreSQL's sequence (migration 0017)


def next_case_number() -> int:
    """A short human number, unique across concurrent workers.

    PostgreSQL: from a sequence, which takes no lock. A counter row would be locked by
    every new case until its transaction commits, so every worker opening a case would
    wait for the others' commits. A number taken by a transaction that is rolled back is
    not used again: case numbers are unique and rising, not gapless (as in Zendesk).

    SQLite has one writer, whose transaction holds the write lock anyway: a counter row.
    One statement, UPDATE … RETURNING. On a new installation the counter's row is not
    there yet; it is inserted with ON CONFLICT DO NOTHING and the UPDATE runs again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [CASE_NUMBERS])
            return cursor.fetchone()[0]
        table = connection.ops.quote_name(Counter._meta.db_table)
        for _ in range(2):
            cursor.execute(
                f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
                ["case"],
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (name) DO NOTHING",
                ["case", FIRST_CASE_NUMBER - 1],
            )
    raise RuntimeError("the case counter's row could not be made")


def continue_case_numbers_after(number: int) -> None:
    """The next new case gets `number + 1` (an import that brought its own numbers, a
    bench's filled database). Never below the first number."""
    number = max(number, FIRST_CASE_NUMBER - 1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(%s, %s)", [CASE_NUMBERS, number])
            return
    Counter.objects.update_or_create(name="case", defaults={"value": number})


def _store_inbound(case: Case, inbound: Inbound, at: datetime, *, follow_up: bool) -> Message:
    message = Message(
        case=case,
        direction=Direction.INBOUND,
        channel=case.channel,
        from_address=inbound.from_address,
        from_name=inbound.from_name,
        to_addresses=inbound.to_addresses,
        subject=inbound.subject,
        body_text=inbound.body_text,
        body_html=inbound.body_html,
        new_text=inbound.new_text,
        message_id=inbound.message_id,
        in_reply_to=inbound.in_reply_to,
        references=inbound.references,
        raw_sha256=inbound.raw_sha256,
        parse_warnings=inbound.parse_warnings,
        is_follow_up=follow_up,
        created_at=at,
    )
    message.fill_sender()
    insert(message)  # the statement made once (core.inserts): this runs for every message
    if inbound.from_address:
        # One statement (INSERT … ON CONFLICT DO NOTHING) where get_or_create takes four.
        insert(Participant(case=case, address=inbound.from_address.lower()), skip_conflicts=True)
    return message


def _locked(case: Case) -> Case:
    """The case row, read again and locked (FOR UPDATE) until the transaction ends.

    The case row only: FOR UPDATE on the joined shop row would also block every other
    transaction of the shop at its commit (PostgreSQL checks the deferred foreign keys
    there with FOR KEY SHARE) and deadlock with the live chat's stream counters. Its shop
    is the caller's when the caller has it. A fixed statement (core.rows): every
    customer's reply and every agent's write takes this lock."""
    lock = "FOR UPDATE" if connection.features.has_select_for_update else ""
    found = fetch(Case, "t.id = %s", [case.pk], tail=lock)
    if not found:
        raise Case.DoesNotExist(f"case {case.pk} is gone")
    fresh = found[0]
    if Case.shop.is_cached(case) and case.shop_id == fresh.shop_id:
        fresh.shop = case.shop
    return fresh


def _language_text(inbound: Inbound) -> str:
    """What the customer wrote now, to tell their language by: the subject and the new
    text, without the quoted history or the signature. An unreadable mail's raw source
    says nothing."""
    if "unprocessable" in inbound.parse_warnings:
        return ""
    subject = strip_reply_prefixes(inbound.subject)
    return f"{subject}\n{inbound.new_text or inbound.body_text}".strip()


def _refuse_if_merged(case: Case) -> None:
    """A merged-away case is read-only: its conversation lives on in the target, and a
    write here would reopen a case nobody looks at."""
    if case.merged_into_id:
        raise CaseError(
            _("This case was merged into #%(number)s; write there instead.")
            % {"number": Case.objects.get(pk=case.merged_into_id).number}
        )


def open_case(shop, channel: str, inbound: Inbound, *, customer=None) -> Case:
    """A new question: the case, its first message, and the promise (rules A2, A4, S1)."""
    return start_case(shop, channel, inbound, customer=customer)[0]


# No savepoint inside a caller's transaction (the intake path's): a failure here fails
# the caller's commit anyway, and two statements less for every new case.
@transaction.atomic(savepoint=False)
def start_case(shop, channel: str, inbound: Inbound, *, customer=None) -> tuple[Case, Message]:
    """`open_case`, returning the first message too (intake needs it: no query for it)."""
    inbound = clean_inbound(inbound)
    received = inbound.received_at or timezone.now()
    spoken = inbound.language or detect_language(_language_text(inbound), fallback="")
    if customer is None and not inbound.from_address:
        # Unreadable mail or a phone note: a customer without an address, for now.
        customer = Customer.objects.create(shop=shop, name=inbound.from_name)
    elif customer is None:
        customer = find_or_create_customer(
            shop, inbound.from_address, inbound.from_name, spoken or inbound.language_hint
        )
    # Too short to tell: the page's language, what the customer wrote in before, the shop's.
    language = spoken or inbound.language_hint or customer.language or shop.language
    subject, derived = case_subject(
        inbound.subject,
        inbound.new_text or inbound.body_text,
        FALLBACK_SUBJECT.get(language, FALLBACK_SUBJECT["en"]),
    )
    case = Case(
        shop=shop,
        customer=customer,
        subject=subject,
        subject_derived=derived,
        status=Status.NEW,
        channel=channel,
        language=language,
        topic_id=inbound.topic_id,
        received_at=received,
        last_inbound_at=received,
    )
    promise = sla.promise_for(case, received, follow_up=False)
    sla.owe_answer(case, received, promise.deadline)
    # The number last: its counter row stays locked until commit, and every new case of
    # every shop waits for it; the promise's forecast need not be computed under it.
    case.number = next_case_number()
    insert(case)
    message = _store_inbound(case, inbound, received, follow_up=False)
    record_event(
        case,
        EventKind.OPENED,
        at=received,
        channel=channel,
        due_at=case.due_at.isoformat(),  # type: ignore[union-attr]  # owe_answer set it
        beyond_ceiling=case.beyond_ceiling,
        under_load=promise.by_forecast,  # the queue set the time: the ack says so (A4)
    )
    webhooks.fire(shop, Event.CASE_CREATED, lambda: webhook_payloads.case_created(case, message))
    index_on_commit(case.pk)
    case.just_opened, case.opened_under_load = True, promise.by_forecast
    automations.case_opened(case)
    return case, message


def accepts_follow_ups(case: Case, now: datetime) -> bool:
    """May a new message from the customer join this case, or does it start a new one?"""
    if case.merged_into_id:
        return True
    return case.status != Status.CLOSED or (case.closed_at or now) >= now - FOLLOW_UP_WINDOW


@transaction.atomic
def add_participant(case: Case, address: str, *, at: datetime, actor=None) -> bool:
    """A new address takes part in the case (the customer's colleague replied to our mail):
    it may write to the case from now on, and the audit trail shows the agent who joined.
    Returns whether the address is new to the case."""
    address = address.lower()
    _, created = Participant.objects.get_or_create(case=case, address=address)
    if created:
        record_event(case, EventKind.PARTICIPANT, at=at, actor=actor, address=address)
    return created


@transaction.atomic(savepoint=False)  # as start_case
def add_inbound_message(
    case: Case, inbound: Inbound, *, automatic: bool = False, asks_again: bool = False
) -> Message:
    """The customer writes again on an existing case.

    After the shop has answered, this is a follow-up (rule S3): the case reopens with the
    shorter follow-up target and goes to the top of the queue. Before any answer, the
    message joins the question and the promise already given stands — unless the
    customer `asks_again` explicitly (the portal's follow-up form, which tells them it
    goes to the front of the queue): then it is a follow-up too, with the follow-up
    target when that is sooner. An `automatic` message (an out-of-office reply) is kept
    on the case but owes nobody anything.
    """
    inbound = clean_inbound(inbound)
    case = _locked(case)
    while case.merged_into_id:
        case = _locked(case.merged_into)  # type: ignore[arg-type]  # merged_into_id is set
    received = inbound.received_at or timezone.now()
    # An answer already owed keeps its promise; an automatic message creates none.
    promise_stands = case.due_at is not None or automatic
    chased = promise_stands and asks_again and not automatic
    follow_up = (not promise_stands and case.last_response_at is not None) or chased
    message = _store_inbound(case, inbound, received, follow_up=follow_up)
    case.last_inbound_at = max(received, case.last_inbound_at or received)
    case.snoozed_until = None  # the customer wrote: back in the queue
    fields = ["last_inbound_at", "snoozed_until", "updated_at"]
    if chased:
        _sooner_for_follow_up(case, received)
        fields += sla.SLA_FIELDS
        record_event(
            case,
            EventKind.FOLLOW_UP,
            at=received,
            message=message.pk,
            due_at=case.due_at.isoformat(),  # type: ignore[union-attr]  # the promise stands
            old_status=case.status,
        )
    elif promise_stands:
        record_event(case, EventKind.INBOUND, at=received, message=message.pk, automatic=automatic)
    else:
        # Nothing was owed (answered, waiting, closed): the customer is owed an answer again.
        sla.owe_answer(
            case, received, sla.promise_for(case, received, follow_up=follow_up).deadline
        )
        case.is_follow_up = follow_up
        old_status = case.status
        _set_status(case, Status.OPEN if case.last_response_at else Status.NEW, received)
        fields += [*sla.SLA_FIELDS, "status", "closed_at"]
        record_event(
            case,
            EventKind.FOLLOW_UP if follow_up else EventKind.INBOUND,
            at=received,
            message=message.pk,
            due_at=case.due_at.isoformat(),  # type: ignore[union-attr]  # owe_answer set it
            old_status=old_status,
        )
    case.save(update_fields=fields)
    webhooks.fire(
        case.shop,
        Event.MESSAGE_RECEIVED,
        lambda: webhook_payloads.message_received(case, message, automatic=automatic),
    )
    if not automatic:
        notifications.customer_replied(case, message, now=received)
    index_on_commit(case.pk)
    automations.case_changed(case)
    return message


def last_message_id(case: Case) -> int | None:
    """The newest message the customer and the shop exchanged: what a composer 'saw'."""
    messages = queries.prefetched_messages(case)
    if messages is not None:
        exchanged = [m.pk for m in messages if m.direction != Direction.NOTE]
        return max(exchanged, default=None)
    return case.messages.filter(direction__in=[Direction.INBOUND, Direction.OUTBOUND]).aggregate(
        last=Max("id")
    )["last"]


def _changes_since(case: Case, seen: int) -> list[str]:
    """What happened after message `seen`, in words for the agent (shop's local time)."""
    changes = []
    newer = (
        case.messages.filter(pk__gt=seen, direction__in=[Direction.INBOUND, Direction.OUTBOUND])
        .select_related("author")
        .order_by("id")
    )
    for message in newer:
        at = timezone.localtime(message.created_at, case.shop.tz).strftime("%H:%M")
        if message.direction == Direction.OUTBOUND:
            changes.append(
                _("%(agent)s replied at %(time)s.")
                % {"agent": message.author or case.shop, "time": at}
            )
        else:
            changes.append(_("The customer wrote again at %(time)s.") % {"time": at})
    return changes


def _sooner_for_follow_up(case: Case, received: datetime) -> None:
    """Flag an owed case as a follow-up; its deadline becomes the follow-up target if that
    is sooner (a promise already given never moves later). Time is owed since the
    first unanswered message still, so response times stay honest (S4)."""
    sooner = sla.deadline_for(case, received, follow_up=True)
    if sooner.due_at < case.due_at:  # type: ignore[operator]  # an owed case has one
        owed_since = case.owed_since
        sla.owe_answer(case, received, sooner)
        case.owed_since = owed_since or received
    case.is_follow_up = True


@transaction.atomic
def reply(
    case: Case,
    agent,
    body_text: str,
    *,
    body_html: str = "",
    then: str = Status.ANSWERED,
    now: datetime | None = None,
    seen_last_message: int | None = None,
    channel: str = "",
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    files: list | None = None,
) -> Message:
    """An agent answers the customer. Measures whether the promise was kept (rule S4).

    The answer goes out on `channel`, by default the one the customer wrote on last
    (`queries.reply_channels`); email is the other choice when the customer has an address.
    `cc` and `bcc` (validated addresses) are copies of an email answer. `files` are
    attachments already in the file store (`cases.attachments.store_files`), on the
    message before its channel carries it.

    `seen_last_message` is the last message the agent had in front of them: if a
    colleague answered or the customer wrote since, nothing is sent (StaleView), so the
    customer does not get two answers to one question or an answer to an old one."""
    if then not in (Status.ANSWERED, Status.WAITING, Status.CLOSED):
        raise CaseError(_("After a reply a case is answered, waiting or closed."))
    if not body_text.strip():
        raise CaseError(_("The reply is empty."))
    now = now or timezone.now()
    case = _locked(case)
    _refuse_if_merged(case)
    if seen_last_message is not None:
        changes = _changes_since(case, seen_last_message)  # under the case lock: no race
        if changes:
            raise StaleView(" ".join(str(c) for c in changes))
    possible = queries.reply_channels(case)
    if channel and channel not in possible:
        raise CaseError(
            _("This case cannot be answered by %(channel)s.")
            % {"channel": Channel(channel).label if channel in Channel.values else channel}
        )
    channel = channel or possible[0]
    if (cc or bcc) and channel not in queries.BY_EMAIL:
        raise CaseError(_("Only an email answer can have copies (Cc, Bcc)."))
    message = Message.objects.create(
        cc_addresses=list(cc or []),
        bcc_addresses=list(bcc or []),
        case=case,
        direction=Direction.OUTBOUND,
        channel=channel,
        author=agent,
        from_address=case.shop.email,
        body_text=body_text,
        body_html=body_html,
        created_at=now,
    )
    if files:
        attachments.save_files(message, files)
    measured = {}
    if case.due_at is not None:
        measured = {
            "due_at": case.due_at.isoformat(),
            "kept": now <= case.due_at,
            "follow_up": case.is_follow_up,
        }
    first = case.first_response_at is None
    case.first_response_at = case.first_response_at or now
    case.last_response_at = now
    old_status = case.status
    _set_status(case, then, now)
    sla.clear_promise(case)
    case.save(
        update_fields=[
            "first_response_at",
            "last_response_at",
            "status",
            "closed_at",
            "updated_at",
            *sla.SLA_FIELDS,
        ]
    )
    record_event(
        case, EventKind.REPLIED, at=now, actor=agent, message=message.pk, first=first, **measured
    )
    adapter = channel_for(channel)
    if adapter:
        adapter.send_reply(case, message)
    if old_status != case.status:
        record_event(case, EventKind.STATUS, at=now, actor=agent, old=old_status, new=case.status)
    webhooks.fire(case.shop, Event.REPLY_SENT, lambda: webhook_payloads.reply_sent(case, message))
    if case.status == Status.CLOSED and old_status != Status.CLOSED:
        webhooks.fire(
            case.shop, Event.CASE_CLOSED, lambda: webhook_payloads.case_closed(case, actor=agent)
        )
    index_on_commit(case.pk)
    automations.case_changed(case)
    return message


@transaction.atomic
def reopen(case: Case, *, now: datetime | None = None, reason: str = "", actor=None) -> Case:
    """Back in front of the team with the follow-up target (rules F1, S3)."""
    now = now or timezone.now()
    case = _locked(case)
    while case.merged_into_id:  # the conversation lives on in the target
        case = _locked(case.merged_into)  # type: ignore[arg-type]  # merged_into_id is set
    if case.due_at is not None:
        return case
    old = case.status
    sla.owe_answer(case, now, sla.deadline_for(case, now, follow_up=True))
    case.is_follow_up = True
    _set_status(case, Status.OPEN, now)
    case.save(update_fields=[*sla.SLA_FIELDS, "status", "closed_at", "updated_at"])
    record_event(
        case, EventKind.STATUS, at=now, actor=actor, old=old, new=case.status, reason=reason
    )
    automations.case_changed(case)
    return case


@transaction.atomic
def add_note(case: Case, agent, body_text: str, *, now: datetime | None = None) -> Message:
    """An internal note: seen by the team, never sent to the customer."""
    if not body_text.strip():
        raise CaseError(_("The note is empty."))
    _refuse_if_merged(_locked(case))
    now = now or timezone.now()
    message = Message.objects.create(
        case=case,
        direction=Direction.NOTE,
        channel=case.channel,
        author=agent,
        body_text=body_text,
        created_at=now,
    )
    record_event(case, EventKind.NOTE, at=now, actor=agent, message=message.pk)
    notifications.note_added(case, message, agent, now=now)
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    index_on_commit(case.pk)
    automations.case_changed(case)
    return message


@transaction.atomic
def assign(
    case: Case, assignee, *, actor=None, now: datetime | None = None, reason: str = ""
) -> Case:
    """Give the case to an agent (or to nobody). The assignee must work for the shop.
    `reason` says why when it was not a person's choice ("escalated")."""
    case = _locked(case)
    if assignee is not None and not assignee.memberships.filter(shop=case.shop_id).exists():
        # No name: the message must not tell who works elsewhere.
        raise CaseError(_("That agent does not work for this shop."))
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    old = case.assignee_id
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    record_event(
        case,
        EventKind.ASSIGNED,
        at=now or timezone.now(),
        actor=actor,
        old=old,
        new=assignee.pk if assignee else None,
        **({"reason": reason} if reason else {}),
    )
    notifications.case_assigned(case, assignee, actor=actor, now=now)
    automations.case_changed(case)
    return case


@transaction.atomic
def set_language(case: Case, language: str, *, actor=None, now: datetime | None = None) -> Case:
    """The agent knows better than the detector: the case, and so its replies, pages and
    the promise in them, speak `language` from now on. The customer's language follows,
    as the fallback for their later texts too short to tell."""
    if language not in CUSTOMER_LANGUAGES:
        raise CaseError(_("Unknown language %(language)s.") % {"language": language})
    case = _locked(case)
    if case.language == language:
        return case
    old = case.language
    case.language = language
    case.save(update_fields=["language", "updated_at"])
    set_customer_language(case.customer, language)
    record_event(
        case, EventKind.LANGUAGE, at=now or timezone.now(), actor=actor, old=old, new=language
    )
    index_on_commit(case.pk)
    automations.case_changed(case)
    return case


@transaction.atomic
def set_topic(
    case: Case,
    topic,
    *,
    actor=None,
    source: str = "agent",
    confidence: float | None = None,
    now: datetime | None = None,
) -> Case:
    """What the case is about (`topic`, a topics.Topic or None). `source` says who decided:
    "agent", "detected", "automation". An owed answer comes sooner when the new topic
    promises faster (a complaint: 8 hours); a promise given never moves later."""
    case = _locked(case)
    new = topic.pk if topic is not None else None
    if case.topic_id == new:
        return case
    if topic is not None and topic.shop_id != case.shop_id:
        raise CaseError(_("That topic belongs to another shop."))
    now = now or timezone.now()
    old = case.topic_id
    case.topic = topic
    fields = ["topic", "updated_at"]
    if case.due_at is not None and case.owed_since and case.sla_state == SlaState.OK:
        sooner = sla.deadline_for(case, case.owed_since, follow_up=case.is_follow_up)
        if sooner.due_at < case.due_at:
            sla.owe_answer(case, case.owed_since, sooner)
            fields += sla.SLA_FIELDS
    case.save(update_fields=list(dict.fromkeys(fields)))
    record_event(
        case,
        EventKind.TOPIC,
        at=now,
        actor=actor,
        old=old,
        new=new,
        slug=topic.slug if topic is not None else "",
        source=source,
        **({"confidence": confidence} if confidence is not None else {}),
    )
    automations.case_changed(case)
    return case


def _set_status(case: Case, status: str, now: datetime) -> None:
    case.status = status
    case.closed_at = now if status == Status.CLOSED else None


@transaction.atomic
def change_status(case: Case, status: str, *, actor=None, now: datetime | None = None) -> Case:
    """Move a case by hand. Waiting, answered and closed mean nothing is owed any more."""
    if status not in Status.values:
        raise CaseError(_("Unknown status %(status)s.") % {"status": status})
    now = now or timezone.now()
    case = _locked(case)
    if case.status == status:
        return case
    if case.merged_into_id and status != Status.CLOSED:
        raise CaseError(
            _("A merged case stays closed; open #%(number)s instead.")
            % {"number": case.merged_into.number}  # type: ignore[union-attr]  # merged_into_id is set
        )
    old = case.status
    _set_status(case, status, now)
    fields = ["status", "closed_at", "updated_at"]
    if status not in (Status.NEW, Status.OPEN):
        sla.clear_promise(case)
        fields += sla.SLA_FIELDS
    case.save(update_fields=fields)
    record_event(case, EventKind.STATUS, at=now, actor=actor, old=old, new=status)
    if status == Status.CLOSED:
        webhooks.fire(
            case.shop, Event.CASE_CLOSED, lambda: webhook_payloads.case_closed(case, actor=actor)
        )
    automations.case_changed(case)
    return case


@transaction.atomic
def merge_cases(
    source: Case,
    target: Case,
    *,
    actor=None,
    now: datetime | None = None,
    same_person: bool = False,
) -> Case:
    """Fold a duplicate into `target`: messages, participants, tags and the earliest promise.

    Cases of two different customers merge only when the agent confirmed they are the same
    person (`same_person`), and then the customers merge too: otherwise one customer's
    portal link, replies and order links would show the other's conversation."""
    if source.pk == target.pk:
        raise CaseError(_("A case cannot be merged into itself."))
    now = now or timezone.now()
    first, second = sorted([source.pk, target.pk])  # lock in id order: no deadlock
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if source.shop_id != target.shop_id:
        raise CaseError(_("Cases of different shops cannot be merged."))
    if source.merged_into_id or target.merged_into_id:
        raise CaseError(_("One of the cases is already merged."))
    customers_merged = source.customer_id != target.customer_id
    if customers_merged and not same_person:
        raise CaseError(
            _(
                "#%(source)s and #%(target)s are from different customers. Merge "
                "them only if they are the same person, and confirm it."
            )
            % {"source": source.number, "target": target.number}
        )
    if customers_merged:
        merge_customers(source.customer, target.customer)
        source.customer_id = target.customer_id  # merge_customers moved every case

    Message.objects.filter(case=source).update(case=target)
    for address in source.participants.values_list("address", flat=True):
        Participant.objects.get_or_create(case=target, address=address)
    target.tags.add(*source.tags.all())
    target.received_at = min(target.received_at, source.received_at)
    target.last_inbound_at = Message.objects.filter(
        case=target, direction=Direction.INBOUND
    ).aggregate(last=Max("created_at"))["last"]
    if source.due_at and (target.due_at is None or source.due_at < target.due_at):
        for name in sla.SLA_FIELDS:
            setattr(target, name, getattr(source, name))
        if target.status not in (Status.NEW, Status.OPEN):
            target.status, target.closed_at = Status.OPEN, None
    target.save()

    source.merged_into = target
    _set_status(source, Status.CLOSED, now)
    sla.clear_promise(source)
    source.save()
    record_event(
        target,
        EventKind.MERGED,
        at=now,
        actor=actor,
        source=source.number,
        customers_merged=customers_merged,
    )
    record_event(
        source,
        EventKind.MERGED_INTO,
        at=now,
        actor=actor,
        target=target.number,
        customers_merged=customers_merged,
    )
    webhooks.fire(
        source.shop,
        Event.CASE_CLOSED,
        lambda: webhook_payloads.case_closed(source, actor=actor, merged_into=target),
    )
    index_on_commit(source.pk, target.pk)
    return target


@transaction.atomic
def assign_team(case: Case, team, *, actor=None, now: datetime | None = None) -> Case:
    case = _locked(case)
    if team is not None and team.shop_id != case.shop_id:
        raise CaseError(_("That team belongs to another shop."))
    if case.team_id == (team.pk if team else None):
        return case
    old = case.team_id
    case.team = team
    case.save(update_fields=["team", "updated_at"])
    record_event(
        case,
        EventKind.ASSIGNED,
        at=now or timezone.now(),
        actor=actor,
        old_team=old,
        new_team=team.pk if team else None,
    )
    automations.case_changed(case)
    return case


@transaction.atomic
def set_tags(
    case: Case, names: list[str], *, actor=None, add_only: bool = False, now: datetime | None = None
) -> Case:
    """Tags by name, created in the case's shop on first use."""
    wanted = {" ".join(n.split())[:50].lower() for n in names if n.strip()}
    tags = [Tag.objects.get_or_create(shop_id=case.shop_id, name=n)[0] for n in sorted(wanted)]
    old = sorted(case.tags.values_list("name", flat=True))
    if add_only:
        case.tags.add(*tags)
    else:
        case.tags.set(tags)
    new = sorted(case.tags.values_list("name", flat=True))
    if new != old:
        record_event(
            case, EventKind.TAGGED, at=now or timezone.now(), actor=actor, old=old, new=new
        )
        automations.case_changed(case)
    return case


@transaction.atomic
def snooze(case: Case, until: datetime | None, *, actor=None, now: datetime | None = None) -> Case:
    """Out of the open queue until `until` (None: back now). The promise still stands:
    a snoozed case that owes an answer still shows at risk and breached (rule S2)."""
    now = now or timezone.now()
    if until is not None and until <= now:
        raise CaseError(_("Snooze until a time in the future."))
    case = _locked(case)
    _refuse_if_merged(case)
    case.snoozed_until = until
    case.save(update_fields=["snoozed_until", "updated_at"])
    record_event(
        case,
        EventKind.STATUS,
        at=now,
        actor=actor,
        snoozed_until=until.isoformat() if until else None,
    )
    automations.case_changed(case)
    return case


@transaction.atomic
def split_message(message: Message, *, actor=None, now: datetime | None = None) -> Case:
    """A customer asked two things in one case: this message starts a case of its own,
    with the first-question promise from when it arrived."""
    if message.direction != Direction.INBOUND:
        raise CaseError(_("Only a customer's message can start a case of its own."))
    source = _locked(message.case)
    _refuse_if_merged(source)
    if source.messages.filter(direction=Direction.INBOUND).count() < 2:
        raise CaseError(_("The case has only this question; nothing to split."))
    now = now or timezone.now()
    # "Re: <the old subject>" says nothing about the new question: take its words then.
    own = strip_reply_prefixes(message.subject)
    subject, derived = case_subject(
        "" if own == source.subject else own, message.display_text, source.subject
    )
    case = Case(
        number=next_case_number(),
        shop=source.shop,
        customer=source.customer,
        subject=subject,
        subject_derived=derived,
        status=Status.NEW,
        channel=message.channel,
        language=source.language,
        received_at=message.created_at,
        last_inbound_at=message.created_at,
    )
    sla.owe_answer(
        case, message.created_at, sla.deadline_for(case, message.created_at, follow_up=False)
    )
    case.save()
    Message.objects.filter(pk=message.pk).update(case=case, is_follow_up=False)
    for address in source.participants.values_list("address", flat=True):
        Participant.objects.get_or_create(case=case, address=address)
    record_event(
        case,
        EventKind.OPENED,
        at=now,
        actor=actor,
        split_from=source.number,
        due_at=case.due_at.isoformat(),  # type: ignore[union-attr]  # owe_answer set it
    )
    record_event(source, EventKind.STATUS, at=now, actor=actor, split_to=case.number)
    webhooks.fire(
        case.shop, Event.CASE_CREATED, lambda: webhook_payloads.case_created(case, message)
    )
    index_on_commit(source.pk, case.pk)
    automations.case_opened(case)
    return case


def save_saved_reply(
    shop,
    reply: SavedReply | None = None,
    *,
    title: str,
    body: str,
    language: str,
    author=None,
) -> SavedReply:
    if reply is None:
        reply = SavedReply(shop=shop, created_by=author)
    reply.title, reply.body, reply.language = title, body, language
    reply.full_clean()
    reply.save()
    return reply


def delete_saved_reply(reply: SavedReply) -> None:
    reply.delete()


def mark_seen(case: Case, agent, now: datetime | None = None) -> None:
    """The agent has the case open (unread markers, collision notice). Not audited."""
    # One INSERT … ON CONFLICT DO UPDATE (both databases), not a transaction around a
    # SELECT and an UPDATE: the case page and its presence poll call this every time.
    CaseView.objects.bulk_create(
        [CaseView(case=case, agent=agent, seen_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["case", "agent"],
        update_fields=["seen_at"],
    )


@transaction.atomic
def set_priority(case: Case, priority: str, *, actor=None, now: datetime | None = None) -> Case:
    """How urgent the case is, besides its promise (an automation or an agent sets it)."""
    if priority not in Priority.values:
        raise CaseError(_("Unknown priority %(priority)s.") % {"priority": priority})
    case = _locked(case)
    if case.priority == priority:
        return case
    old = case.priority
    case.priority = priority
    case.save(update_fields=["priority", "updated_at"])
    record_event(
        case, EventKind.PRIORITY, at=now or timezone.now(), actor=actor, old=old, new=priority
    )
    automations.case_changed(case)
    return case
