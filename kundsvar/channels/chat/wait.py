"""The honest wait (rule S5): "Du är nummer 3 i kön – ungefär 4 minuter", computed from
the agents online now and how long chats have recently taken, never a fixed label.

A chat waits for a free place: each agent online takes `per_agent` chats at once. With
places free, the next chats are taken about as fast as agents have recently taken a
chat when they could (`pickup`). Beyond the free places, a chat waits for busy chats to
end; places free up at about `places / handle` per second (the recent mean length of a
chat), so the k-th chat beyond the free places waits about k · handle / places."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import AgentStatus, Availability, Chat, ChatSettings, ChatState

DEFAULT_HANDLE_SECONDS = 300.0  # before the shop has any recent chat: five minutes
DEFAULT_PICKUP_SECONDS = 20.0
RECENT = timedelta(hours=1)
RECENT_CHATS = 50  # at most this many recent chats are averaged
SEEN_WINDOW = timedelta(seconds=90)  # an inbox reports every 30 s


@dataclass(frozen=True)
class Load:
    online: int  # agents online now
    per_agent: int  # chats at once per agent
    active: int  # chats in conversation now
    handle_seconds: float  # recent mean, accepted → ended
    pickup_seconds: float  # how fast a free agent has recently taken a chat

    @property
    def places(self) -> int:
        return self.online * self.per_agent

    @property
    def free(self) -> int:
        return max(0, self.places - self.active)


def estimate(position: int, load: Load) -> float | None:
    """Seconds until the chat at `position` in the queue (1: next) gets an agent; None
    when nobody is online (then there is no wait to promise)."""
    if load.online <= 0 or load.per_agent <= 0:
        return None
    beyond = position - load.free
    if beyond <= 0:
        return load.pickup_seconds
    return load.pickup_seconds + beyond * load.handle_seconds / load.places


def settings_for(shop) -> ChatSettings:
    found = ChatSettings.objects.filter(shop=shop).first()
    return found or ChatSettings(shop=shop)


def agents_online(shop, now: datetime) -> int:
    return AgentStatus.objects.filter(
        availability=Availability.ONLINE,
        seen_at__gte=now - SEEN_WINDOW,
        agent__memberships__shop=shop,
        agent__is_active=True,
    ).count()


def _recent_seconds(shop, now: datetime, start: str, end: str, **filters) -> list[float]:
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = (
        Chat.objects.filter(shop=shop, **{f"{end}__gte": now - RECENT}, **filters)
        .exclude(**{f"{start}__isnull": True})
        .annotate(took=took)
        .order_by(f"-{end}")
        .values_list("took", flat=True)[:RECENT_CHATS]
    )
    return [max(0.0, t.total_seconds()) for t in rows if t is not None]


def load_for(shop, now: datetime, settings: ChatSettings | None = None) -> Load:
    settings = settings or settings_for(shop)
    handled = _recent_seconds(shop, now, "accepted_at", "ended_at", state=ChatState.ENDED)
    picked = _recent_seconds(shop, now, "started_at", "accepted_at")
    # The fastest quarter of recent pickups: how soon a chat is taken when a place is free.
    pickup = statistics.quantiles(picked, n=4)[0] if len(picked) >= 4 else DEFAULT_PICKUP_SECONDS
    return Load(
        online=agents_online(shop, now),
        per_agent=settings.chats_per_agent,
        active=Chat.objects.filter(shop=shop, state=ChatState.ACTIVE).count(),
        handle_seconds=statistics.fmean(handled) if handled else DEFAULT_HANDLE_SECONDS,
        pickup_seconds=max(0.0, pickup),
    )


def waiting(shop):
    """The queue: waiting chats, first come first served."""
    return Chat.objects.filter(shop=shop, state=ChatState.WAITING).order_by("started_at", "id")


def position_of(chat: Chat) -> int:
    return (
        Chat.objects.filter(shop_id=chat.shop_id, state=ChatState.WAITING)
        .filter(started_at__lt=chat.started_at)
        .count()
        + 1
    )


def minutes(seconds: float) -> int:
    """Whole minutes, the nearest (at least one)."""
    return max(1, round(seconds / 60))


def wait_text(position: int, seconds: float | None) -> str:
    """In the active language (the customer's): "Du är nummer 3 i kön – ungefär 4 minuter"."""
    if seconds is None:
        return _("Nobody is online in the chat right now.")
    if seconds < 60:
        wait = _("less than a minute")
    else:
        count = minutes(seconds)
        wait = ngettext("about %(n)s minute", "about %(n)s minutes", count) % {"n": count}
    return _("You are number %(position)s in the queue – %(wait)s") % {
        "position": position,
        "wait": wait,
    }


def is_long(seconds: float | None, settings: ChatSettings) -> bool:
    """Long enough to offer a message or a callback instead (or nobody online)."""
    return seconds is None or seconds >= settings.long_wait_minutes * 60
