"""When will an agent reach a new case? The forecast behind an honest promise (rule A4).

From three things the shop already has:

* the work ahead of the case in the queue: owed cases of the same channel group (and
  language, when the shop's shifts are language-specific); a follow-up only waits for
  the follow-ups, which go first (rule S3). One COUNT query on the queue's index.
* the agents on shift for that channel group and language in the coming hours
  (`staffing.schedule`, the weekly pattern with its exceptions);
* the handling rate: answers per agent-hour for the channel group, measured from the
  event log (`CaseEvent` REPLIED) over the last week, in the hours when the team was
  busy (an idle hour says nothing about speed).

The shop's roster and rate are read once per batch of work (`core.batchcache`), so a
burst of mail costs one COUNT per new case. A shop without any shifts has no forecast
(`None`): its promise is the policy's alone.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

from kundsvar.cases.models import OWED_STATUSES, Case, CaseEvent, EventKind
from kundsvar.core import batchcache
from kundsvar.staffing import schedule

WRITTEN = frozenset({"email", "form", "api"})
# Answers per agent-hour until a week of answers has been measured.
DEFAULT_RATE = {"written": 6.0, "chat": 8.0}
RATE_WINDOW = timedelta(days=7)
RATE_TTL = 600  # seconds
MIN_MEASURED_HOURS = 8  # busy agent-hours needed before the measured rate counts
HORIZON = timedelta(days=7)
# The forecast is an average; a promise should hold for most customers, not half of them.
SAFETY = 1.1
SLACK_ANSWERS = 2  # and the time of two answers: the one in hand, and one more


@dataclass(frozen=True)
class Forecast:
    reach_at: datetime | None  # None: nobody on shift within the horizon
    ahead: int
    rate: float  # answers per agent-hour


def group_of(channel: str) -> frozenset[str]:
    return WRITTEN if channel in WRITTEN else frozenset({channel})


def _group_name(group: frozenset[str]) -> str:
    return "written" if group == WRITTEN else "/".join(sorted(group))


def rate(shop, group: frozenset[str], now: datetime) -> float:
    """Answers per agent-hour on `group`: kept for the batch, and in the cache for the
    rest of its ten minutes (a week's rate does not move faster than that)."""
    name = _group_name(group)

    def load() -> float:
        key = f"kundsvar:answer-rate:{shop.pk}:{name}:{int(now.timestamp()) // RATE_TTL}"
        found = cache.get(key)
        if found is None:
            found = _measure(shop, group, now)
            cache.set(key, found, RATE_TTL)
        return found

    return batchcache.cached(shop.pk, ("answer_rate", name), load)


def _measure(shop, group: frozenset[str], now: datetime) -> float:
    default = DEFAULT_RATE.get(_group_name(group), DEFAULT_RATE["written"])
    since = now - RATE_WINDOW
    answers = Counter(
        at.replace(minute=0, second=0, microsecond=0)
        for at in CaseEvent.objects.filter(
            kind=EventKind.REPLIED,
            created_at__gte=since,
            created_at__lt=now,
            case__shop=shop,
            case__channel__in=group,
        ).values_list("created_at", flat=True)
    )
    if not answers:
        return default
    start = since.replace(minute=0, second=0, microsecond=0)
    on_shift: Counter = Counter()
    for s, e, n in schedule.segments(shop, start, now, channels=group):
        cursor = s
        while cursor < e and n:
            hour = cursor.replace(minute=0, second=0, microsecond=0)
            upto = min(e, hour + timedelta(hours=1))
            on_shift[hour] += n * (upto - cursor).total_seconds() / 3600
            cursor = upto
    # A busy hour: at least one answer per agent on shift. Idle hours would make the
    # team look slower than it is when a queue forms.
    busy = [
        (answers[hour] / hours, hours)
        for hour, hours in on_shift.items()
        if hours >= 0.5 and answers[hour] >= hours
    ]
    if sum(hours for _, hours in busy) < MIN_MEASURED_HOURS:
        return default
    return statistics.median(r for r, _ in busy)


def ahead_of(shop, group: frozenset[str], language: str | None, *, follow_up: bool) -> int:
    """Owed cases an agent takes before a new one: every owed case of the group, or for a
    follow-up only the follow-ups. One COUNT."""
    owed = Case.objects.filter(
        shop=shop, status__in=OWED_STATUSES, due_at__isnull=False, channel__in=group
    )
    if follow_up:
        owed = owed.filter(is_follow_up=True)
    if language:
        owed = owed.filter(language=language)
    return owed.count()


def reach(shop, channel: str, language: str | None, now: datetime, *, follow_up: bool):
    """When an agent is expected to answer a case written now (with a margin), or None
    when the shop keeps no shifts for the channel: then there is nothing to forecast."""
    roster = schedule.roster(shop)
    group = group_of(channel)
    if roster.empty:
        return None
    if not roster.language_specific:
        language = None
    elif language and not any(
        s[2] for s in schedule.segments(shop, now, now + HORIZON, channels=group, language=language)
    ):
        language = None  # nobody speaks it: everyone answers it
    ahead = ahead_of(shop, group, language, follow_up=follow_up)
    per_agent = rate(shop, group, now)
    on_shift = schedule.segments(shop, now, now + HORIZON, channels=group, language=language)
    return Forecast(time_for(on_shift, per_agent, margin(ahead + 1)), ahead, per_agent)


def margin(answers: float) -> float:
    """The answers to plan for when `answers` must be given: a tenth more (the rate is
    an average) and two more (the one each agent has in hand)."""
    return answers * SAFETY + SLACK_ANSWERS


def time_for(on_shift, per_agent: float, need: float) -> datetime | None:
    """When the agents on shift have given `need` answers at `per_agent` an hour each."""
    for s, e, n in on_shift:
        if not n:
            continue
        hours = (e - s).total_seconds() / 3600
        if n * per_agent * hours >= need:
            return s + timedelta(hours=need / (n * per_agent))
        need -= n * per_agent * hours
    return None


def foreseen_misses(shop, now: datetime) -> list[tuple[Case, datetime, datetime]]:
    """Owed cases whose promise the queue shows will be missed, each with the expected
    time of its answer and the time to promise instead. The queue in its order (follow-ups
    first, then by promise), per channel group; the expected time without margin, so
    only a promise that will really be missed counts. Nothing without shifts."""
    roster = schedule.roster(shop)
    if roster.empty:
        return []
    owed = list(
        Case.objects.filter(
            shop=shop, status__in=OWED_STATUSES, due_at__isnull=False, merged_into__isnull=True
        )
        .select_related("customer", "shop")
        .order_by("-is_follow_up", "due_at", "id")
    )
    misses = []
    for group in {group_of(case.channel) for case in owed}:
        per_agent = rate(shop, group, now)
        on_shift = schedule.segments(shop, now, now + HORIZON, channels=group)
        in_group = [case for case in owed if case.channel in group]
        for position, case in enumerate(in_group):
            expected = time_for(on_shift, per_agent, position + 1)
            if expected is not None and expected > case.due_at:  # type: ignore[operator]
                promise = time_for(on_shift, per_agent, margin(position + 1)) or expected
                misses.append((case, expected, round_up(promise, now)))
    return misses


def round_up(moment: datetime, since: datetime) -> datetime:
    """To the next 5 minutes within the hour, quarter hour within four hours, else to
    the next full hour: a time a person can keep in mind."""
    wait = moment - since
    step = 5 if wait <= timedelta(hours=1) else 15 if wait <= timedelta(hours=4) else 60
    base = moment.replace(second=0, microsecond=0)
    minutes = base.minute + (1 if base != moment else 0)
    rounded = math.ceil(minutes / step) * step
    return base.replace(minute=0) + timedelta(minutes=rounded)
