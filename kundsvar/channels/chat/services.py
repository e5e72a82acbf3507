"""Every write of the live chat. A chat is a case (channel "chat") from its first line:
each line enters through `kundsvar.intake` like any customer message (order matching,
language, the promise, the audit log), each agent line is `cases.services.reply`, and
the chat's adapter (channel.py) carries the answer to the live page.

The queue: a new chat waits; an agent takes it (`accept`, first come first served),
may hand it to a colleague (`transfer`) and ends it (`end`). An ended chat is a case
like any other: answered, it is closed; a question still open stays in the queue with
its promise, answered by email when the customer gave an address. A customer who does
not want to wait leaves a message (`leave_message`, a case with the promised time) or
asks to be called back (`callbacks.request_callback`)."""

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kundsvar.cases import attachments, files
from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, Status
from kundsvar.cases.services import Inbound
from kundsvar.intake import services as intake
from kundsvar.live import services as live
from kundsvar.shopper import services as shopper_services
from kundsvar.shopper.identity import Shopper

from . import events, wait
from .models import LIVE_STATES, AgentStatus, Availability, Chat, ChatState, shop_stream

TYPING_EVERY_SECONDS = 2  # at most one typing signal per side and chat in this time


class ChatError(ValueError):
    """Not allowed now; the message is safe to show."""


@dataclass(frozen=True)
class Line:
    """What the customer typed (and at most one file)."""

    text: str
    attachment: object | None = None


def _inbound(*, name: str, email: str, text: str, language: str, now) -> Inbound:
    return Inbound(
        from_address=email,
        from_name=name,
        body_text=text,
        language_hint=language,
        received_at=now,
    )


def start(
    shop,
    line: Line,
    *,
    name: str = "",
    email: str = "",
    language: str = "sv",
    order=None,
    verified: Shopper | None = None,
    now: datetime | None = None,
) -> Chat:
    """A customer opens a chat with their first line: a new case on the chat channel,
    waiting in the shop's chat queue, with the wait they were shown (rule S5)."""
    if not line.text.strip():
        raise ChatError(_("Write something first."))
    now = now or timezone.now()
    inbound = _inbound(name=name, email=email, text=line.text, language=language, now=now)
    prepared = intake.prepare(inbound, attachments=_files(line), now=now)
    # The wait shown, read before the write transaction (no lock held meanwhile).
    position = wait.waiting(shop).count() + 1
    load = wait.load_for(shop, now)
    seconds = wait.estimate(position, load)
    with transaction.atomic():
        received = intake.store(shop, "chat", prepared, new_case=True)
        chat = Chat.objects.create(
            case=received.case,
            shop=shop,
            name=name[:200],
            email=email,
            language=language,
            started_at=now,
            customer_seen_at=now,
            shown_position=position,
            shown_wait_seconds=seconds,
            shown_places=load.places,
            shown_free=load.free,
        )
        events.started(chat)
        events.message(chat, received.message)
    intake.follow_through(received, order_hint=order)
    if verified is not None:
        shopper_services.mark_verified(received.message, verified, now)
    return chat


def _files(line: Line) -> list:
    return [line.attachment] if line.attachment is not None else []


def say(chat: Chat, line: Line, *, now: datetime | None = None) -> Chat:
    """A line from the customer. Also after the chat ended: it joins the case and the
    agents see it (nothing a customer sends is dropped, A6)."""
    if not line.text.strip() and line.attachment is None:
        raise ChatError(_("Write something first."))
    now = now or timezone.now()
    inbound = _inbound(
        name=chat.name, email=chat.email, text=line.text, language=chat.language, now=now
    )
    prepared = intake.prepare(inbound, attachments=_files(line), now=now)
    with transaction.atomic():
        received = intake.store(chat.shop, "chat", prepared, case=chat.case)
        Chat.objects.filter(pk=chat.pk).update(customer_seen_at=now)
        events.message(chat, received.message)
    intake.follow_through(received)
    return chat


def answer(chat: Chat, agent, text: str, *, file=None, now: datetime | None = None):
    """An agent's line, with at most one file (an `cases.attachments.File` the view
    checked): a reply on the case (the promise measured, rule S4), the file an
    attachment of it that the customer's page links to. A waiting chat is taken by the
    agent who answers it."""
    now = now or timezone.now()
    stored = attachments.store_files([file]) if file is not None else []
    if None in stored:
        raise ChatError(_("The file could not be saved. Please try again."))
    if not text.strip() and file is not None:
        text = files.display_name(file.filename)
    with transaction.atomic():
        if chat.state == ChatState.WAITING:
            chat = accept(chat, agent, now=now)
        return cases.reply(chat.case, agent, text, then=Status.ANSWERED, now=now, files=stored)


def _locked(chat: Chat) -> Chat:
    # The chat row only (see cases.services._locked): never the shop's row.
    return (
        Chat.objects.select_for_update(of=("self",)).select_related("case", "shop").get(pk=chat.pk)
    )


@transaction.atomic
def accept(chat: Chat, agent, *, now: datetime | None = None) -> Chat:
    """The agent takes a waiting chat; another agent who was quicker has it already."""
    now = now or timezone.now()
    taken = Chat.objects.filter(pk=chat.pk, state=ChatState.WAITING).update(
        state=ChatState.ACTIVE, agent=agent, accepted_at=now
    )
    chat = _locked(chat)
    if not taken:
        if chat.state == ChatState.ACTIVE and chat.agent_id == agent.pk:
            return chat
        raise ChatError(_("Another agent has taken this chat, or it has ended."))
    cases.assign(chat.case, agent, actor=agent, now=now)
    events.changed(chat, "accepted", now)
    transaction.on_commit(lambda: announce_queue(chat.shop))
    return chat


@transaction.atomic
def transfer(chat: Chat, agent, colleague, *, now: datetime | None = None) -> Chat:
    """Hand a chat in conversation to a colleague of the same shop."""
    now = now or timezone.now()
    chat = _locked(chat)
    if chat.state not in LIVE_STATES:
        raise ChatError(_("This chat has ended."))
    if not colleague.memberships.filter(shop=chat.shop_id).exists():
        raise ChatError(_("That agent does not work for this shop."))  # no name: see assign
    if chat.state == ChatState.WAITING:
        chat.accepted_at = now
    chat.state, chat.agent = ChatState.ACTIVE, colleague
    chat.save(update_fields=["state", "agent", "accepted_at"])
    cases.assign(chat.case, colleague, actor=agent, now=now)
    events.changed(chat, "transferred", now, by=events.agent_name(agent))
    return chat


@transaction.atomic
def end(chat: Chat, *, by: str, actor=None, now: datetime | None = None) -> Chat:
    """The chat ends (`by` the customer or an agent). Its case stays: closed when
    nothing is owed, else in the queue with its promise (the customer's last question
    is answered by email when they gave an address)."""
    now = now or timezone.now()
    chat = _locked(chat)
    if chat.state not in LIVE_STATES:
        return chat
    chat.state, chat.ended_at, chat.ended_by = ChatState.ENDED, now, by
    chat.save(update_fields=["state", "ended_at", "ended_by"])
    case = Case.objects.get(pk=chat.case_id)
    if case.due_at is None and case.status != Status.CLOSED and not case.merged_into_id:
        cases.change_status(case, Status.CLOSED, actor=actor, now=now)
    events.changed(chat, "ended", now, by=by)
    transaction.on_commit(lambda: announce_queue(chat.shop))
    return chat


def leave_message(
    shop,
    line: Line,
    *,
    email: str,
    name: str = "",
    chat: Chat | None = None,
    language: str = "sv",
    now: datetime | None = None,
) -> Case:
    """The customer would rather not wait: their message (and the chat so far, if they
    had started one) is a case with the promised answer time, answered by email, with
    the email acknowledgement (A1–A5)."""
    if not email:
        raise ChatError(_("Give your email address so that we can answer you."))
    if not line.text.strip():
        raise ChatError(_("Write your message first."))
    now = now or timezone.now()
    name = name or (chat.name if chat else "")
    inbound = _inbound(name=name, email=email, text=line.text, language=language, now=now)
    prepared = intake.prepare(inbound, attachments=_files(line), now=now)
    with transaction.atomic():
        if chat is not None:
            chat = _locked(chat)
            was_live = chat.state in LIVE_STATES
            chat.state, chat.email, chat.name = ChatState.LEFT, email, name[:200]
            chat.ended_at, chat.ended_by = chat.ended_at or now, chat.ended_by or "customer"
            chat.save(update_fields=["state", "email", "name", "ended_at", "ended_by"])
            received = intake.store(shop, "chat", prepared, case=chat.case)
            events.message(chat, received.message)
            if was_live:
                events.changed(chat, "left", now)
                transaction.on_commit(lambda: announce_queue(shop))
        else:
            received = intake.store(shop, "chat", prepared, new_case=True)
            chat = Chat.objects.create(
                case=received.case,
                shop=shop,
                state=ChatState.LEFT,
                name=name[:200],
                email=email,
                language=language,
                started_at=now,
                ended_at=now,
                ended_by="customer",
            )
    intake.follow_through(received)
    return Case.objects.get(pk=received.case.pk)


def give_email(chat: Chat, email: str) -> Chat:
    """The customer gives an address during the chat (for the transcript, or to be
    answered by email should they leave)."""
    Chat.objects.filter(pk=chat.pk).update(email=email)
    chat.email = email
    return chat


# -- signals: not stored -------------------------------------------------------------


_typed: dict[tuple[int, str], float] = {}
_typed_lock = threading.Lock()


def _throttled(key: tuple[int, str]) -> bool:
    """In this process only: a hint needs no database write (several processes may each
    let one through, which is still a handful a minute)."""
    now = time.monotonic()
    with _typed_lock:
        if now - _typed.get(key, -TYPING_EVERY_SECONDS) < TYPING_EVERY_SECONDS:
            return True
        if len(_typed) > 10_000:
            _typed.clear()
        _typed[key] = now
        return False


def typing(chat: Chat, *, side: str, agent=None) -> bool:
    """Someone is typing: at most one signal per side and chat every couple of seconds,
    never stored. Returns whether it went out."""
    if _throttled((chat.pk, side)):
        return False
    if side == "agent":
        live.signal(chat.stream, "typing", {"who": events.agent_name(agent)})
    else:
        live.signal(shop_stream(chat.shop_id), "typing", {"chat": chat.pk})
    return True


def queue_state(chat: Chat, now: datetime | None = None) -> dict:
    """Where a waiting chat stands, in the customer's language (rule S5)."""
    now = now or timezone.now()
    settings = wait.settings_for(chat.shop)
    position = wait.position_of(chat)
    seconds = wait.estimate(position, wait.load_for(chat.shop, now, settings))
    with translation.override(chat.language):
        text = str(wait.wait_text(position, seconds))
    return {
        "position": position,
        "wait_seconds": None if seconds is None else round(seconds),
        "text": text,
        "long": wait.is_long(seconds, settings),
    }


def announce_queue(shop, now: datetime | None = None) -> int:
    """Every waiting customer's new place and wait, as signals (their page asks again
    on reconnect). One load query for the whole queue."""
    now = now or timezone.now()
    settings = wait.settings_for(shop)
    load = wait.load_for(shop, now, settings)
    chats = list(wait.waiting(shop).only("pk", "language"))
    signals = []
    for position, chat in enumerate(chats, 1):
        seconds = wait.estimate(position, load)
        with translation.override(chat.language):
            text = str(wait.wait_text(position, seconds))
        data = {
            "position": position,
            "wait_seconds": None if seconds is None else round(seconds),
            "text": text,
            "long": wait.is_long(seconds, settings),
        }
        signals.append((chat.stream, "queue", data))
    live.signal_many(signals)
    return len(chats)


# -- availability --------------------------------------------------------------------


def set_availability(agent, availability: str, *, now: datetime | None = None) -> AgentStatus:
    """Online, away or offline; also the inbox's "still here" every 30 s."""
    if availability not in Availability.values:
        raise ChatError(_("Unknown availability."))
    now = now or timezone.now()
    status, created = AgentStatus.objects.get_or_create(
        agent=agent,
        defaults={"availability": availability, "changed_at": now, "seen_at": now},
    )
    changed = created or status.availability != availability
    if not created:
        status.seen_at = now
        if changed:
            status.availability, status.changed_at = availability, now
        status.save(update_fields=["availability", "changed_at", "seen_at"])
    if changed:
        for membership in agent.memberships.select_related("shop"):
            transaction.on_commit(partial(announce_queue, membership.shop))
    return status


def seen(chat: Chat, now: datetime | None = None) -> None:
    """The customer's page is still open (it reports every 30 s)."""
    Chat.objects.filter(pk=chat.pk).update(customer_seen_at=now or timezone.now())


# -- settings ------------------------------------------------------------------------


@transaction.atomic
def save_settings(shop, *, enabled: bool, long_wait_minutes: int, chats_per_agent: int):
    """The shop's chat settings; waiting customers see their new wait at once."""
    from .models import ChatSettings

    saved, _created = ChatSettings.objects.update_or_create(
        shop=shop,
        defaults={
            "enabled": enabled,
            "long_wait_minutes": long_wait_minutes,
            "chats_per_agent": chats_per_agent,
        },
    )
    transaction.on_commit(lambda: announce_queue(shop))
    return saved
