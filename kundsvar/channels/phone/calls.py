"""Calls on a case: an agent logs a call by hand (direction, duration, outcome, note), or
one click logs the outcome of a callback attempt (rules C5, S5). Every call is a row
(`Call`) and a line in the conversation; on a phone case a call that reached the customer
is the answer (measured like a reply, S4)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, Status
from kundsvar.cases.services import Inbound
from kundsvar.core.phones import international
from kundsvar.customers.services import add_phone, find_or_create_by_phone
from kundsvar.intake import services as intake

from . import texts
from .callbacks import tell
from .channel import call_is_the_answer, number_of
from .models import Call, Callback, CallbackState, Direction, Outcome

RETRY_AFTER = timedelta(minutes=30)  # no answer: back in the queue after this


class CallError(ValueError):
    """Not a call that can be logged; the message is safe to show."""


def _minutes(seconds: int | None) -> str:
    if not seconds:
        return ""
    return _("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}


def summary(call: Call) -> str:
    parts = [
        _("Call") + f" ({call.get_direction_display().lower()}, +{call.number})",
        call.get_outcome_display(),
        _minutes(call.duration_seconds),
    ]
    line = " · ".join(p for p in parts if p)
    return f"{line}\n{call.note}".strip() if call.note else line


def log_call(
    case: Case,
    agent,
    *,
    outcome: str,
    direction: str = Direction.OUTBOUND,
    number: str = "",
    duration_seconds: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Call:
    """Log a call on `case`. The number defaults to the customer's; another number is
    added to the customer (matched by it next time). On a callback, the outcome moves it
    on: reached → done and answered; no answer → retried after RETRY_AFTER, until the
    attempts run out and the customer is told; wrong number → the customer is told by
    email when we have an address."""
    if outcome not in Outcome.values or outcome == Outcome.MISSED:
        raise CallError(_("Choose what came of the call."))
    now = now or timezone.now()
    digits = international(number, case.shop.country) if number else number_of(case)
    if len(digits) < 6:
        raise CallError(_("Give the number that was called."))
    return _log(case, agent, outcome, direction, digits, duration_seconds, note, now)


@transaction.atomic
def _log(case, agent, outcome, direction, digits, duration, note, now) -> Call:
    case = Case.objects.select_for_update().select_related("shop", "customer").get(pk=case.pk)
    if number_of(case) != digits:
        add_phone(case.customer, f"+{digits}")
    call = Call.objects.create(
        shop=case.shop,
        case=case,
        direction=direction,
        number=digits,
        outcome=outcome,
        duration_seconds=duration,
        note=note.strip(),
        agent=agent,
        answered=outcome == Outcome.REACHED,
        started_at=now,
        ended_at=now,
    )
    text = summary(call)
    owed = case.status in (Status.NEW, Status.OPEN)
    if outcome == Outcome.REACHED and case.channel == "phone" and owed:
        with call_is_the_answer():
            cases.reply(case, agent, text, then=Status.ANSWERED, now=now)
    else:
        cases.add_note(case, agent, text, now=now)
    callback = Callback.objects.select_for_update().filter(case=case).first()
    if callback is not None and callback.state == CallbackState.WAITING:
        _move_on(callback, case, agent, outcome, now)
    return call


def _move_on(callback: Callback, case: Case, agent, outcome: str, now: datetime) -> None:
    callback.attempts += 1
    callback.last_attempt_at = now
    shop, language = case.shop, case.language
    if outcome == Outcome.REACHED:
        callback.state = CallbackState.DONE
    elif outcome == Outcome.WRONG_NUMBER:
        callback.state = CallbackState.WRONG_NUMBER
    elif callback.attempts >= callback.max_attempts:
        callback.state = CallbackState.GAVE_UP
        body = texts.render(
            "gave_up",
            language,
            shop=shop.name,
            limit=callback.max_attempts,
            shop_phone=shop.phone or shop.email,
            number=case.number,
        )
        tell(case, body, texts.subject("gave_up", language), now=now)
        cases.change_status(case, Status.WAITING, actor=agent, now=now)
    else:
        body = texts.render(
            "no_answer",
            language,
            shop=shop.name,
            time=texts.clock(now.astimezone(shop.tz), language),
            attempt=callback.attempts,
            limit=callback.max_attempts,
        )
        tell(case, body, texts.subject("no_answer", language), now=now)
        cases.snooze(case, now + RETRY_AFTER, actor=agent, now=now)
    callback.save(update_fields=["attempts", "last_attempt_at", "state"])


def log_new_call(
    shop,
    agent,
    *,
    number: str,
    outcome: str,
    name: str = "",
    direction: str = Direction.INBOUND,
    duration_seconds: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Call:
    """A call that is on no case yet (a customer rang the agent's phone): the customer
    is found by number (or created), the call opens a phone case — or joins the callback
    this number is waiting for — and is logged on it (a reached call answers it). Nothing
    is sent to the customer: they were on the phone."""
    now = now or timezone.now()
    digits = international(number, shop.country)
    if len(digits) < 6:
        raise CallError(_("Give the number that was called."))
    if outcome not in Outcome.values or outcome == Outcome.MISSED:
        raise CallError(_("Choose what came of the call."))
    customer = find_or_create_by_phone(shop, number, name=name)
    text = note.strip() or _("Phone call")
    inbound = Inbound(
        from_address=f"+{digits}",
        from_name=name[:200],
        subject=text.splitlines()[0][:80],
        body_text=text,
        received_at=now,
        language_hint=shop.language,
    )
    received = intake.receive(shop, "phone", inbound, customer=customer, acknowledge=False, now=now)
    return log_call(
        received.case,
        agent,
        outcome=outcome,
        direction=direction,
        number=f"+{digits}",
        duration_seconds=duration_seconds,
        note="",
        now=now,
    )
