"""Reads of the shift schedule: how many agents are on shift, when, for what.

`segments(shop, start, end, channels=..., language=...)` gives the stretches of time in
[start, end) with the number of agents on shift for those channels and that language,
from the weekly pattern with each date's exceptions applied. The shop's shifts are read
once per batch of work (`core.batchcache`); the services forget them on a change.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from kundsvar.core import batchcache

from .models import Shift, ShiftException


@dataclass(frozen=True)
class Block:
    start: time
    end: time
    channels: frozenset[str]  # empty: every channel
    languages: frozenset[str]  # empty: every language

    def serves(self, channels: frozenset[str], language: str | None) -> bool:
        if self.channels and not (self.channels & channels):
            return False
        return not (language and self.languages and language not in self.languages)


@dataclass
class Roster:
    """A shop's whole schedule in memory: per agent, per weekday, and per excepted date."""

    weekly: dict[int, dict[int, list[Block]]] = field(default_factory=dict)  # agent → weekday
    excepted: dict[tuple[int, date], list[Block]] = field(default_factory=dict)
    language_specific: bool = False

    @property
    def empty(self) -> bool:
        return not self.weekly and not self.excepted

    def blocks(self, agent: int, day: date) -> list[Block]:
        if (agent, day) in self.excepted:
            return self.excepted[(agent, day)]
        return self.weekly.get(agent, {}).get(day.weekday(), [])

    @property
    def agents(self) -> set[int]:
        return set(self.weekly) | {agent for agent, _ in self.excepted}


def roster(shop) -> Roster:
    return batchcache.cached(shop.pk, ("roster",), lambda: _load(shop))


def _load(shop) -> Roster:
    found = Roster()
    kinds: dict[int, tuple[frozenset, frozenset]] = {}
    for shift in Shift.objects.filter(shop=shop):
        block = Block(shift.start, shift.end, frozenset(shift.channels), frozenset(shift.languages))
        found.weekly.setdefault(shift.agent_id, defaultdict(list))[shift.weekday].append(block)
        kinds.setdefault(shift.agent_id, (block.channels, block.languages))
        found.language_specific |= bool(block.languages)
    for exception in ShiftException.objects.filter(shop=shop):
        channels, languages = kinds.get(exception.agent_id, (frozenset(), frozenset()))
        blocks = found.excepted.setdefault((exception.agent_id, exception.date), [])
        if not exception.day_off:
            blocks.append(Block(exception.start, exception.end, channels, languages))  # type: ignore[arg-type]
    return found


def segments(
    shop,
    start: datetime,
    end: datetime,
    *,
    channels: frozenset[str],
    language: str | None = None,
    schedule: Roster | None = None,
) -> list[tuple[datetime, datetime, int]]:
    """(from, to, agents on shift) covering [start, end) without gaps, in order."""
    schedule = schedule or roster(shop)
    tz = shop.tz
    changes: dict[datetime, int] = defaultdict(int)
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    agents = schedule.agents
    while day <= last:
        for agent in agents:
            for block in schedule.blocks(agent, day):
                if not block.serves(channels, language):
                    continue
                s = max(datetime.combine(day, block.start, tzinfo=tz), start)
                e = min(datetime.combine(day, block.end, tzinfo=tz), end)
                if s < e:
                    changes[s] += 1
                    changes[e] -= 1
        day += timedelta(days=1)
    result = []
    cursor, on = start, 0
    for moment in sorted(changes):
        if moment > cursor:
            result.append((cursor, moment, on))
            cursor = moment
        on += changes[moment]
    if cursor < end:
        result.append((cursor, end, on))
    return result


def agent_hours(segments_: list[tuple[datetime, datetime, int]]) -> float:
    return sum((e - s).total_seconds() / 3600 * n for s, e, n in segments_)
