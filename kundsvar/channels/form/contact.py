"""What the contact page says about reaching a person (rules C1, A4, T3): the phone
number, whether the shop is open now, and when an answer would come if the customer
wrote this minute. Every time comes from the shop's business calendar and the
response-time engine; nothing here computes a deadline of its own."""

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date
from django.utils.translation import gettext as _

from kundsvar.cases.models import Case
from kundsvar.core.language import babel_locale, promise_language
from kundsvar.sla import services as sla
from kundsvar.sla.calendar import BusinessCalendar, NoOpenTime
from kundsvar.sla.promise import promise_text

# The channels a customer can write on from the contact page, in the order shown.
WRITTEN_CHANNELS = ("form", "email")


def _clock(moment: datetime, language: str) -> str:
    return moment.strftime("%H:%M" if language == "en" else "%H.%M")


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    text: str


def open_state(
    shop, now: datetime, language: str, calendar: BusinessCalendar | None = None
) -> OpenState | None:
    """ "Open now, until 17.00" or "Closed now. Opens tomorrow at 08.00" (the shop's
    own calendar: weekly hours, holidays, special days). None when it never opens."""
    calendar = calendar or BusinessCalendar.for_shop(shop)
    language = promise_language(language)
    try:
        start, end = next(calendar.intervals_from(now))
    except StopIteration:
        return None
    local_now = now.astimezone(calendar.tz)
    if start <= now:
        return OpenState(
            True,
            _("Open now, until %(time)s") % {"time": _clock(end.astimezone(calendar.tz), language)},
        )
    try:
        opens = calendar.next_opening(now).astimezone(calendar.tz)
    except NoOpenTime:
        return None
    time = _clock(opens, language)
    days = (opens.date() - local_now.date()).days
    if days == 0:
        text = _("Closed now. Opens today at %(time)s") % {"time": time}
    elif days == 1:
        text = _("Closed now. Opens tomorrow at %(time)s") % {"time": time}
    else:
        pattern = "EEEE" if days < 7 else "EEEE d MMMM"
        day = format_date(opens.date(), pattern, locale=babel_locale(language))
        text = _("Closed now. Opens %(day)s at %(time)s") % {"day": day, "time": time}
    return OpenState(False, text)


@dataclass(frozen=True)
class ChannelPromise:
    channels: tuple[str, ...]
    due_at: datetime
    text: str  # "senast tisdag 24 november kl. 14.00"


def response_times(shop, now: datetime, language: str) -> tuple[list[ChannelPromise], bool]:
    """When an answer would be due if the customer wrote now, per written channel
    (channels with the same promise are joined), and whether the team is under load
    so that the promise is stretched (rule A4's honest note)."""
    stretched = False
    promises: list[ChannelPromise] = []
    for channel in WRITTEN_CHANNELS:
        # The engine takes a case; an unsaved one stands for "a question written now".
        promise = sla.promise_for(
            Case(shop=shop, channel=channel, language=language), now, follow_up=False
        )
        stretched = stretched or promise.by_forecast
        deadline = promise.deadline
        same = next((p for p in promises if p.due_at == deadline.due_at), None)
        if same:
            promises[promises.index(same)] = ChannelPromise(
                (*same.channels, channel), same.due_at, same.text
            )
        else:
            promises.append(
                ChannelPromise(
                    (channel,), deadline.due_at, promise_text(deadline.due_at, language, shop.tz)
                )
            )
    return promises, stretched


def topic_promise(shop, topic, now: datetime, language: str) -> str:
    """When an answer on the chosen topic would be due if the customer sent the form now:
    the topic's own target on top of the shop's (a complaint within 8 hours)."""
    case = Case(shop=shop, channel="form", language=language, topic=topic)
    promise = sla.promise_for(case, now, follow_up=False)
    return promise_text(promise.deadline.due_at, language, shop.tz)
