"""The honest wait (rule S5): "Du är nummer 3 i kön – ungefär 4 minuter", computed from
the agents online now, the chats they are in and how chats have recently gone, never a
fixed label.

Each agent online has `per_agent` places. A free place takes the next chat after the
pickup (how fast a free agent has recently taken a chat). A busy place frees when its
chat ends, and the chats in conversation now are part-way through: a chat that has run
for 8 minutes will, going by the shop's recent chats longer than 8 minutes, end in
about what those had left. Then the agent takes the next chat after their moment
between chats (`gaps`, measured on recent queued chats) and that place is busy again
for a whole chat. The queue is first come first served, so the chat at position k is
taken when the k-th place frees up.

Which place frees first is a question of chance (of ten chats that have just begun,
one usually ends well before the mean chat length), so the estimate plays the next
hour forward fifty-one times, each time drawing each chat's length from the
shop's recent chats (given how long it has run already), and shows the median. The
draws are seeded (run n always draws the same way): the same shop state always shows the
same wait."""

import bisect
import heapq
import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import AgentStatus, Availability, Chat, ChatSettings, ChatState

DEFAULT_HANDLE_SECONDS = 300.0  # before the shop has any recent chat: five minutes
DEFAULT_PICKUP_SECONDS = 20.0
RECENT = timedelta(hours=1)
RECENT_CHATS = 100  # at most this many recent chats are learnt from
PICKUP_CHATS = 15  # the pickup is the median of this many latest chats that found a place
MIN_SAMPLES = 5  # fewer chats than this: no distribution of their lengths yet
TAIL = 3  # a chat longer than all but this many recent ones is in the unknown tail
RUNS = 51  # hours played forward (odd: the median is one of them)
SEEN_WINDOW = timedelta(seconds=90)  # an inbox reports every 30 s


@dataclass(frozen=True)
class Load:
    """The shop's chat now, as the estimate sees it."""

    per_agent: int  # chats at once per agent
    agents: tuple[tuple[float, ...], ...] = ()  # per agent online: their chats' ages (s)
    handles: tuple[float, ...] = ()  # recent chat lengths (s), accepted → ended
    pickup_seconds: float = DEFAULT_PICKUP_SECONDS  # a free agent taking a chat
    gaps: tuple[float, ...] = ()  # agents' recent moments between chats (s), drawn from
    gap_seconds: float | None = None  # or one fixed moment; neither: the pickup
    _waits: list = field(default_factory=list, compare=False, repr=False)

    @property
    def online(self) -> int:
        return len(self.agents)

    @property
    def places(self) -> int:
        return self.online * self.per_agent

    @property
    def active(self) -> int:
        return sum(len(ages) for ages in self.agents)

    @property
    def free(self) -> int:
        return sum(max(0, self.per_agent - len(ages)) for ages in self.agents)

    @property
    def handle_seconds(self) -> float:
        return statistics.fmean(self.handles) if self.handles else DEFAULT_HANDLE_SECONDS

    def gap(self, rng: random.Random) -> float:
        """An agent's moment between one chat's end and taking the next from the queue:
        drawn from the measured ones (their spread counts: a few slow turns cost the
        queue more than the median says)."""
        if self.gap_seconds is not None:
            return self.gap_seconds
        if len(self.gaps) >= MIN_SAMPLES:
            return rng.choice(self.gaps)
        return self.pickup_seconds

    def waits(self, positions: int) -> list[float]:
        """The expected wait of the first `positions` chats in the queue (median of the
        hours played forward), kept: a whole queue is announced from one load."""
        if len(self._waits) < positions:
            lengths = _Lengths(self.handles, tuple(a for ages in self.agents for a in ages))
            upto = max(positions, 2 * len(self._waits))
            runs = [_play(self, lengths, upto, seed) for seed in range(RUNS)]
            self._waits[:] = [statistics.median(column) for column in zip(*runs, strict=True)]
        return self._waits[:positions]


class _Lengths:
    """Chat lengths drawn from the shop's recent chats: a whole chat, or what is left
    of one that has run `age` seconds (drawn from the chats longer than that).

    The chats still running count too, as lengths known only to be longer than their
    age (Kaplan–Meier): when chats have lately run longer than the ended ones say, the
    running ones show it before they end. Beyond the longest chat known, a chat has
    about as much left as the longest ended ones had beyond the one before them (a tail
    that does not end). Fewer than MIN_SAMPLES ended chats: lengths are exponential
    around their mean (or five minutes), which knows nothing of age — the honest prior."""

    def __init__(self, handles: tuple[float, ...], running: tuple[float, ...] = ()):
        self.mean = statistics.fmean(handles) if handles else DEFAULT_HANDLE_SECONDS
        self.ended = sorted(handles) if len(handles) >= MIN_SAMPLES else []
        self.times: list[float] = []  # each length an ended chat had ...
        self.below: list[float] = []  # ... and the share of chats no longer than it
        if not self.ended:
            return
        seen = sorted([(t, 1) for t in self.ended] + [(a, 0) for a in running])
        at_risk, survive, i = len(seen), 1.0, 0
        while i < len(seen):
            time, ends, censored = seen[i][0], 0, 0
            while i < len(seen) and seen[i][0] == time:
                ends, censored, i = ends + seen[i][1], censored + 1 - seen[i][1], i + 1
            if ends:
                survive *= 1 - ends / at_risk
                self.times.append(time)
                self.below.append(1 - survive)
            at_risk -= ends + censored
        self.longest = max([self.ended[-1], *running])

    def _tail(self, rng: random.Random) -> float:
        top = self.ended[-TAIL:]
        shorter = bisect.bisect_left(self.ended, top[0])
        return rng.choice(top) - (self.ended[shorter - 1] if shorter else 0.0)

    def _draw(self, age: float, rng: random.Random) -> float:
        """A length longer than `age`."""
        after = bisect.bisect_right(self.times, age)
        share = self.below[after - 1] if after else 0.0
        u = share + rng.random() * (1 - share)
        found = bisect.bisect_right(self.below, u)
        if found < len(self.times):
            return self.times[found]
        return max(age, self.longest) + self._tail(rng)

    def whole(self, rng: random.Random) -> float:
        if not self.ended:
            return rng.expovariate(1 / self.mean)
        return self._draw(0.0, rng)

    def left(self, age: float, rng: random.Random) -> float:
        if not self.ended:
            return rng.expovariate(1 / self.mean)
        return self._draw(age, rng) - age


def _play(load: Load, lengths: _Lengths, positions: int, seed: int) -> list[float]:
    """One hour played forward: when each of the first `positions` queued chats is
    taken. The heap holds when each place takes its next chat."""
    rng = random.Random(seed)
    ready = []
    for ages in load.agents:
        ends = sorted(lengths.left(age, rng) for age in ages)
        free = load.per_agent - len(ends)
        # An agent over their places (a chat handed over) frees one only when enough end.
        ready += [load.pickup_seconds] * max(0, free)
        ready += [end + load.gap(rng) for end in ends[max(0, -free) :]]
    if not ready:
        return [float("inf")] * positions
    heapq.heapify(ready)
    taken = []
    for _position in range(positions):
        at = heapq.heappop(ready)
        taken.append(at)
        heapq.heappush(ready, at + lengths.whole(rng) + load.gap(rng))
    return taken


def estimate(position: int, load: Load) -> float | None:
    """Seconds until the chat at `position` in the queue (1: next) gets an agent; None
    when nobody is online (then there is no wait to promise)."""
    if load.online <= 0 or load.per_agent <= 0:
        return None
    return load.waits(position)[position - 1]


def settings_for(shop) -> ChatSettings:
    found = ChatSettings.objects.filter(shop=shop).first()
    return found or ChatSettings(shop=shop)


def online_agents(shop, now: datetime) -> list[int]:
    return list(
        AgentStatus.objects.filter(
            availability=Availability.ONLINE,
            seen_at__gte=now - SEEN_WINDOW,
            agent__memberships__shop=shop,
            agent__is_active=True,
        ).values_list("agent_id", flat=True)
    )


def agents_online(shop, now: datetime) -> int:
    return len(online_agents(shop, now))


def recent_handles(shop, now: datetime) -> list[tuple[int | None, datetime, float]]:
    """The chats ended in the last hour, latest first: (agent, ended at, length)."""
    took = ExpressionWrapper(F("ended_at") - F("accepted_at"), output_field=DurationField())
    rows = (
        Chat.objects.filter(shop=shop, state=ChatState.ENDED, ended_at__gte=now - RECENT)
        .exclude(accepted_at__isnull=True)
        .annotate(took=took)
        .order_by("-ended_at")
        .values_list("agent_id", "ended_at", "took")[:RECENT_CHATS]
    )
    return [(a, e, max(0.0, t.total_seconds())) for a, e, t in rows if t is not None]


@dataclass(frozen=True)
class Taken:
    """A recently taken chat, as the estimate learns from it."""

    started_at: datetime
    accepted_at: datetime
    position: int | None  # shown when it started
    places: int | None
    free: int | None
    agent_id: int | None = None

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
    """The chats taken in the last hour, the latest `RECENT_CHATS`, oldest first."""
    rows = (
        Chat.objects.filter(shop=shop, accepted_at__gte=now - RECENT, accepted_at__lte=now)
        .order_by("-accepted_at")
        .values_list(
            "started_at", "accepted_at", "shown_position", "shown_places", "shown_free", "agent_id"
        )
    )[:RECENT_CHATS]
    return [Taken(*row) for row in reversed(rows)]


def pickup_seconds(taken: list[Taken]) -> float:
    """The median wait of the latest chats that found a place free (the latest only: how
    quickly agents take a chat changes with how busy they are); before enough of those
    are known, the fastest quarter of all recent waits (a queue's waits are no pickup)."""
    free = [t.waited for t in taken if t.found_a_place][-PICKUP_CHATS:]
    if len(free) >= MIN_SAMPLES:
        return statistics.median(free)
    waits = [t.waited for t in taken][-RECENT_CHATS:]
    return statistics.quantiles(waits, n=4)[0] if len(waits) >= 4 else DEFAULT_PICKUP_SECONDS


def gaps(taken: list[Taken], ended: list[tuple]) -> list[float]:
    """Agents' moments between chats: for chats that were waiting when their agent
    ended another, the time from that end until the agent took them."""
    ends: dict[int, list[datetime]] = {}
    for agent, ended_at, _length in ended:
        if agent is not None:
            ends.setdefault(agent, []).append(ended_at)
    found = []
    for chat in taken:
        before = [
            e for e in ends.get(chat.agent_id, ()) if chat.started_at <= e <= chat.accepted_at
        ]
        if before:
            found.append((chat.accepted_at - max(before)).total_seconds())
    return found


def load_for(shop, now: datetime, settings: ChatSettings | None = None) -> Load:
    settings = settings or settings_for(shop)
    ended = recent_handles(shop, now)
    taken = recently_taken(shop, now)
    online = online_agents(shop, now)
    ages: dict[int, list[float]] = {agent: [] for agent in online}
    active = Chat.objects.filter(shop=shop, state=ChatState.ACTIVE, agent_id__in=online)
    for agent, accepted_at in active.values_list("agent_id", "accepted_at"):
        ages[agent].append(max(0.0, (now - (accepted_at or now)).total_seconds()))
    return Load(
        per_agent=settings.chats_per_agent,
        agents=tuple(tuple(ages[agent]) for agent in sorted(ages)),
        handles=tuple(length for _agent, _ended, length in ended),
        pickup_seconds=max(0.0, pickup_seconds(taken)),
        gaps=tuple(gaps(taken, ended)),
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
