"""What a customer can expect today per channel (rules C1, S5, A4): whether the phone is
open now, when a callback asked for now would come, and whether the team is at a peak
(so the pages say so honestly and offer the callback first). Every time comes from the
shop's business calendar and the response-time engine (sla), as for written channels."""

from dataclasses import dataclass
from datetime import datetime

from kundsvar.cases.models import Case
from kundsvar.sla import services as sla
from kundsvar.sla.calendar import BusinessCalendar, NoOpenTime

from . import texts
from .models import Callback, CallbackState

# The callback queue is long when more than this many wait per agent phone (or in all,
# with no agent phones given): the pages call it a peak.
PEAK_CALLBACKS_PER_AGENT = 5


@dataclass(frozen=True)
class PhoneToday:
    open_now: bool
    callback_due: datetime  # when a callback asked for now is promised
    callback_text: str  # "senast 14.30" / "senast tisdag 24 november kl. 09.00"
    waiting: int  # callbacks waiting now
    peak: bool


def callback_deadline(shop, now: datetime, stretched: bool | None = None) -> datetime:
    if stretched is None:
        stretched = sla.under_load(shop, now)
    case = Case(shop=shop, channel="phone")  # "a callback asked for now"
    return sla.deadline_for(case, now, follow_up=False, stretched=stretched).due_at


def phone_today(shop, now: datetime, language: str, phone=None) -> PhoneToday:
    calendar = BusinessCalendar.for_shop(shop)
    try:
        start, _end = next(calendar.intervals_from(now))
        open_now = start <= now
    except (StopIteration, NoOpenTime):
        open_now = False
    waiting = Callback.objects.filter(shop=shop, state=CallbackState.WAITING).count()
    agents = len(phone.agents()) if phone is not None else 0
    behind = sla.under_load(shop, now)
    due = callback_deadline(shop, now, behind)
    return PhoneToday(
        open_now=open_now,
        callback_due=due,
        callback_text=texts.short_promise(due, language, shop.tz, now),
        waiting=waiting,
        peak=behind or waiting > PEAK_CALLBACKS_PER_AGENT * max(agents, 1),
    )
