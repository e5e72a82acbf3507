"""The honest wait (rule S5): "Du är nummer 3 i kön – ungefär 4 minuter", computed from
the agents online now and how chats have recently gone, never a fixed label.

A chat waits for a free place: each agent online takes `per_agent` chats at once. With
places free, the next chats are taken about as fast as agents have recently taken a
chat that found a place free (`pickup`). Beyond the free places, a chat waits for busy
places to free up. A place is busy for a chat's length and then for the agent's moment
between chats (writing up, opening the next); `cycle` is that whole turn, measured on
recent chats that queued: the time between one queued chat's being taken and the next,
times the places there were. Measured so, it holds what the mean chat length alone
misses (agents slow to take the next chat, a chat left open), and it scales to the
places online now: the k-th chat beyond the free places waits about k · cycle / places.
Before enough chats have queued, the cycle is the recent mean chat length."""

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
MIN_SAMPLES = 5  # fewer measured turns than this: the cycle is the mean chat length
SEEN_WINDOW = timedelta(seconds=90)  # an inbox reports every 30 s


@dataclass(frozen=True)
class Load:
    online: int  # agents online now
    per_agent: int  # chats at once per agent
    active: int  # chats in conversation now
    handle_seconds: float  # recent mean, accepted → ended
    pickup_seconds: float  # how fast a free agent has recently taken a chat
    cycle_seconds: float | None = None  # a place's measured turn; None: handle_seconds

    @property
    def places(self) -> int:
        return self.online * self.per_agent

    @property
    def free(self) -> int:
        return max(0, self.places - self.active)

    @property
    def turn(self) -> float:
        return self.cycle_seconds if self.cycle_seconds is not None else self.handle_seconds


def estimate(position: int, load: Load) -> float | None:
    """Seconds until the chat at `position` in the queue (1: next) gets an agent; None
    when nobody is online (then there is no wait to promise)."""
    if load.online <= 0 or load.per_agent <= 0:
        return None
    beyond = position - load.free
    if beyond <= 0:
        return load.pickup_seconds
    return load.pickup_seconds + beyond * load.turn / load.places


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


@dataclass(frozen=True)
class Taken:
    """A recently taken chat, as the estimate learns from it."""

    started_at: datetime
    accepted_at: datetime
    position: int | None  # shown when it started
    places: int | None
    free: int | None

    @property
    def waited(self) -> float:
        return max(0.0, (self.accepted_at - self.started_at).total_seconds())

    @property
    def found_a_place(self) -> bool | None:
        """Whether a place was free for it when it started (None: not known)."""
        if self.position is None or self.free is None:
            return None
        return self.position <= self.free


def recently_taken(shop, now: datetime) -> list[Taken]:
    """The chats taken in the last hour, the latest `2 · RECENT_CHATS`, oldest first."""
    rows = (
        Chat.objects.filter(shop=shop, accepted_at__gte=now - RECENT, accepted_at__lte=now)
        .order_by("-accepted_at")
        .values_list("started_at", "accepted_at", "shown_position", "shown_places", "shown_free")
    )[: 2 * RECENT_CHATS]
    return [Taken(*row) for row in reversed(rows)]


def pickup_seconds(taken: list[Taken]) -> float:
    """The median wait of recent chats that found a place free; before enough of those
    are known, the fastest quarter of all recent waits (a queue's waits are no pickup)."""
    free = [t.waited for t in taken if t.found_a_place][-RECENT_CHATS:]
    if len(free) >= MIN_SAMPLES:
        return statistics.median(free)
    waits = [t.waited for t in taken][-RECENT_CHATS:]
    return statistics.quantiles(waits, n=4)[0] if len(waits) >= 4 else DEFAULT_PICKUP_SECONDS


def cycle_seconds(taken: list[Taken]) -> float | None:
    """A place's turn (a chat and the moment before the next), measured on queued chats:
    each queued chat was taken when a place freed up, so the time from the chat taken
    before it, times the places there were, is one place's turn. None: too few."""
    turns = [
        (chat.accepted_at - before.accepted_at).total_seconds() * chat.places
        for before, chat in zip(taken, taken[1:], strict=False)
        if chat.found_a_place is False and chat.places and chat.started_at < before.accepted_at
    ][-RECENT_CHATS:]
    return statistics.fmean(turns) if len(turns) >= MIN_SAMPLES else None


def load_for(shop, now: datetime, settings: ChatSettings | None = None) -> Load:
    settings = settings or settings_for(shop)
    handled = _recent_seconds(shop, now, "accepted_at", "ended_at", state=ChatState.ENDED)
    taken = recently_taken(shop, now)
    return Load(
        online=agents_online(shop, now),
        per_agent=settings.chats_per_agent,
        active=Chat.objects.filter(shop=shop, state=ChatState.ACTIVE).count(),
        handle_seconds=statistics.fmean(handled) if handled else DEFAULT_HANDLE_SECONDS,
        pickup_seconds=max(0.0, pickup_seconds(taken)),
        cycle_seconds=cycle_seconds(taken),
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
