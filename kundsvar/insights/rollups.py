"""Keeping the report rows (models.py) up to date from the audit log.

A shop-local day is the unit: `compute_day` reads that day's CaseEvent rows (and the
earlier events of the cases it answers, to know since when the answer was owed) and the
day's ratings, and returns every row of the day. `refresh` (the worker, every few
minutes) recomputes only the days touched by events and ratings that are new since the
last run, today always; `rebuild` recomputes every day. Both write through
`_replace_day`, so an incremental run and a rebuild give the same rows (tested).

The life of a case, as the audit log tells it (`_step`): it is owed an answer from its
OPENED event, from a message that reopens it (INBOUND/FOLLOW_UP whose `old_status` owed
nothing) or a status change to new/open; it stops being owed at a reply, a status
change to waiting/answered/closed or a merge. A reply's wait is measured from the
moment the case became owed (rule S4: from the first unanswered message).
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from kundsvar.cases.models import Case, CaseEvent, EventKind
from kundsvar.feedback.models import Rating
from kundsvar.shops.models import Shop
from kundsvar.sla.calendar import BusinessCalendar

from .models import (
    AgentDay,
    AgentWait,
    ArrivalHour,
    BacklogDay,
    ChannelDay,
    CsatDay,
    RollupState,
    TagDay,
    WaitDay,
)

H = 3600
# Upper edges (seconds) of the wait-time buckets; one more bucket for anything longer.
HIST_EDGES = [
    300, 600, 900, 1800, 2700, H, int(1.5 * H), 2 * H, 3 * H, 4 * H, 6 * H, 8 * H, 10 * H,
    12 * H, 16 * H, 20 * H, 24 * H, 30 * H, 36 * H, 48 * H, 72 * H, 96 * H, 120 * H, 168 * H,
]  # fmt: skip
# Backlog ages: under 4 h, 4–24 h, 1–3 days, over 3 days.
AGE_EDGES = [4 * H, 24 * H, 72 * H]
# Two answers by one agent closer than this: the time between is the second one's
# handle time (we have no "started working on it" event; this is the honest proxy).
HANDLE_GAP = timedelta(minutes=20)
OWED = ("new", "open")
STATE_KINDS = [
    EventKind.OPENED,
    EventKind.INBOUND,
    EventKind.FOLLOW_UP,
    EventKind.STATUS,
    EventKind.MERGED_INTO,
    EventKind.REPLIED,
]
CHUNK = 500
DAY_MODELS = (ArrivalHour, ChannelDay, AgentDay, WaitDay, AgentWait, TagDay, CsatDay)


def _step(since: datetime | None, kind: str, data: dict, at: datetime) -> datetime | None:
    """Since when the case is owed an answer after this event (None: nothing owed)."""
    if kind == EventKind.OPENED:
        return at
    if kind in (EventKind.INBOUND, EventKind.FOLLOW_UP):
        if "old_status" in data and data["old_status"] not in OWED:
            return since or at
        return since
    if kind == EventKind.STATUS:
        if "new" not in data:
            return since
        return (since or at) if data["new"] in OWED else None
    if kind in (EventKind.MERGED_INTO, EventKind.REPLIED):
        return None
    return since


def day_bounds(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def hour_of_week(at: datetime, tz) -> int:
    local = at.astimezone(tz)
    return local.weekday() * 24 + local.hour


def bucket(seconds: float, edges: list[int]) -> int:
    return bisect_right(edges, seconds - 1e-9) if seconds > 0 else 0


class BusinessClock:
    """Open seconds between two instants by the shop's calendar, each day's open
    intervals computed once (a rebuild measures a million answers; the calendar keeps
    them)."""

    def __init__(self, calendar: BusinessCalendar):
        self.calendar = calendar
        self._on = calendar._intervals_on

    def seconds_between(self, start: datetime, end: datetime) -> int:
        if end <= start:
            return 0
        total = 0.0
        day = start.astimezone(self.calendar.tz).date() - timedelta(days=1)
        last = end.astimezone(self.calendar.tz).date()
        while day <= last:
            for begin, finish in self._on(day):
                lo, hi = max(begin, start), min(finish, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return int(total)


@dataclass
class DayRows:
    arrivals: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    channels: dict = field(default_factory=dict)
    agents: dict = field(default_factory=dict)
    waits: dict = field(default_factory=lambda: defaultdict(int))
    agent_waits: dict = field(default_factory=lambda: defaultdict(int))
    tags: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    csat: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _chunks(ids):
    ids = list(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _histories(case_ids, until: datetime) -> dict[int, list]:
    """Each case's state events before `until`, in order."""
    found: dict[int, list] = defaultdict(list)
    for part in _chunks(case_ids):
        rows = (
            CaseEvent.objects.filter(case_id__in=part, created_at__lt=until, kind__in=STATE_KINDS)
            .order_by("created_at", "id")
            .values_list("case_id", "id", "kind", "data", "created_at")
        )
        for case_id, pk, kind, data, at in rows:
            found[case_id].append((pk, kind, data, at))
    return found


def _cases(case_ids) -> dict[int, tuple[str, int | None]]:
    found = {}
    for part in _chunks(case_ids):
        for pk, channel, team in Case.objects.filter(pk__in=part).values_list(
            "pk", "channel", "team_id"
        ):
            found[pk] = (channel, team)
    return found


def _tags(case_ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    through = Case.tags.through
    for part in _chunks(case_ids):
        for case_id, tag_id in through.objects.filter(case_id__in=part).values_list(
            "case_id", "tag_id"
        ):
            found[case_id].append(tag_id)
    return found


def compute_day(shop: Shop, day: date, clock: BusinessClock) -> DayRows:
    tz = shop.tz
    start, end = day_bounds(day, tz)
    rows = DayRows()
    events = list(
        CaseEvent.objects.filter(
            case__shop=shop,
            created_at__gte=start,
            created_at__lt=end,
            kind__in=[EventKind.OPENED, EventKind.FOLLOW_UP, EventKind.REPLIED],
        )
        .order_by("created_at", "id")
        .values_list("id", "case_id", "kind", "actor_id", "data", "created_at")
    )
    case_ids = {e[1] for e in events}
    cases = _cases(case_ids)
    tags = _tags(case_ids)
    replied = {e[1] for e in events if e[2] == EventKind.REPLIED}
    histories = _histories(replied, end)
    owed_since_at: dict[int, datetime | None] = {}  # REPLIED event id → owed since
    for history in histories.values():
        since = None
        for pk, kind, data, at in history:
            if kind == EventKind.REPLIED:
                owed_since_at[pk] = since
            since = _step(since, kind, data, at)
    last_answer: dict[int, datetime] = {}

    def channel_row(channel: str, follow_up: bool) -> ChannelDay:
        key = (channel, follow_up)
        if key not in rows.channels:
            rows.channels[key] = ChannelDay(
                shop=shop, day=day, channel=channel, follow_up=follow_up
            )
        return rows.channels[key]

    for pk, case_id, kind, actor, data, at in events:
        channel, team = cases[case_id]
        if kind in (EventKind.OPENED, EventKind.FOLLOW_UP):
            follow_up = kind == EventKind.FOLLOW_UP
            rows.arrivals[hour_of_week(at, tz)][follow_up] += 1
            channel_row(channel, follow_up).arrived += 1
            if not follow_up:
                for tag in tags.get(case_id, ()):
                    rows.tags[tag][0] += 1
            continue
        follow_up = not data.get("first", False)
        if (actor, team) not in rows.agents:
            rows.agents[(actor, team)] = AgentDay(shop=shop, day=day, agent_id=actor, team_id=team)
        sums = (channel_row(channel, follow_up), rows.agents[(actor, team)])
        promised = "kept" in data
        kept = bool(data.get("kept"))
        waited = business = handle = None
        since = owed_since_at.get(pk)
        if since is not None:
            waited = int((at - since).total_seconds())
            business = clock.seconds_between(since, at)
            rows.waits[(follow_up, False, bucket(waited, HIST_EDGES))] += 1
            rows.waits[(follow_up, True, bucket(business, HIST_EDGES))] += 1
            rows.agent_waits[(actor, bucket(waited, HIST_EDGES))] += 1
        if actor is not None:
            previous = last_answer.get(actor)
            if previous is not None and at - previous <= HANDLE_GAP:
                handle = int((at - previous).total_seconds())
            last_answer[actor] = at
        for row in sums:
            row.answers += 1
            row.promised += promised
            row.kept += kept
            if waited is not None:
                row.calendar_seconds += waited
                row.business_seconds += business
            if handle is not None:
                row.handled += 1
                row.handle_seconds += handle
        for tag in tags.get(case_id, ()):
            counts = rows.tags[tag]
            counts[1] += 1
            counts[2] += promised
            counts[3] += bool(data.get("kept"))
    ratings = Rating.objects.filter(
        case__shop=shop, created_at__gte=start, created_at__lt=end, replaced_at=None
    ).values_list("channel", "agent_id", "score")
    for channel, agent, score in ratings:
        rows.csat[(channel, agent)][0 if score == "good" else 1] += 1
    return rows


def _replace_day(shop: Shop, day: date, rows: DayRows) -> None:
    for model in DAY_MODELS:
        model.objects.filter(shop=shop, day=day).delete()
    ArrivalHour.objects.bulk_create(
        ArrivalHour(shop=shop, day=day, how=how, opened=o, follow_ups=f)
        for how, (o, f) in rows.arrivals.items()
    )
    ChannelDay.objects.bulk_create(rows.channels.values())
    AgentDay.objects.bulk_create(rows.agents.values())
    WaitDay.objects.bulk_create(
        WaitDay(shop=shop, day=day, follow_up=f, business=b, bucket=i, answers=n)
        for (f, b, i), n in rows.waits.items()
    )
    AgentWait.objects.bulk_create(
        AgentWait(shop=shop, day=day, agent_id=a, bucket=i, answers=n)
        for (a, i), n in rows.agent_waits.items()
    )
    TagDay.objects.bulk_create(
        TagDay(shop=shop, day=day, tag_id=tag, opened=o, answers=a, promised=p, kept=k)
        for tag, (o, a, p, k) in rows.tags.items()
    )
    CsatDay.objects.bulk_create(
        CsatDay(shop=shop, day=day, channel=ch, agent_id=agent, good=g, bad=b)
        for (ch, agent), (g, b) in rows.csat.items()
    )


# -- the backlog ---------------------------------------------------------------------


def _ages(state: dict[int, datetime], at: datetime) -> tuple[list[int], int]:
    ages = [0] * (len(AGE_EDGES) + 1)
    oldest = 0
    for since in state.values():
        seconds = int((at - since).total_seconds())
        ages[bucket(seconds, AGE_EDGES)] += 1
        oldest = max(oldest, seconds)
    return ages, oldest


def owed_at(shop: Shop, at: datetime) -> dict[int, datetime]:
    """The cases owed an answer at `at`, from their whole history (the slow way, used
    when no earlier backlog row exists)."""
    candidates = (
        CaseEvent.objects.filter(case__shop=shop, created_at__lte=at, kind=EventKind.OPENED)
        .values_list("case_id", flat=True)
        .distinct()
    )
    state = {}
    for case_id, history in _histories(candidates, at + timedelta(microseconds=1)).items():
        since = None
        for _pk, kind, data, when in history:
            since = _step(since, kind, data, when)
        if since is not None:
            state[case_id] = since
    return state


def _backlog_from(shop: Shop, first: date, last: date, now: datetime) -> None:
    """Backlog rows from `first` to `last`, each day from the one before."""
    tz = shop.tz
    before = BacklogDay.objects.filter(shop=shop, day=first - timedelta(days=1)).first()
    if before is not None:
        state = {int(k): datetime.fromisoformat(v) for k, v in before.state.items()}
    else:
        state = owed_at(shop, day_bounds(first, tz)[0] - timedelta(microseconds=1))
    day = first
    while day <= last:
        start, end = day_bounds(day, tz)
        until = min(end, now)
        events = (
            CaseEvent.objects.filter(
                case__shop=shop, created_at__gte=start, created_at__lt=until, kind__in=STATE_KINDS
            )
            .order_by("created_at", "id")
            .values_list("case_id", "kind", "data", "created_at")
        )
        for case_id, kind, data, at in events:
            since = _step(state.get(case_id), kind, data, at)
            if since is None:
                state.pop(case_id, None)
            else:
                state[case_id] = since
        ages, oldest = _ages(state, until)
        BacklogDay.objects.update_or_create(
            shop=shop,
            day=day,
            defaults={
                "at": until,
                "owed": len(state),
                "ages": ages,
                "oldest_seconds": oldest,
                "state": {str(k): v.isoformat() for k, v in state.items()},
            },
        )
        day += timedelta(days=1)


# -- refresh and rebuild -----------------------------------------------------------------


def _recompute(shop: Shop, days: set[date], now: datetime) -> None:
    clock = BusinessClock(BusinessCalendar._load(shop))
    for day in sorted(days):
        rows = compute_day(shop, day, clock)
        with transaction.atomic():
            _replace_day(shop, day, rows)
    if days:
        _backlog_from(shop, min(days), timezone.localdate(now, shop.tz), now)


def rebuild(shop: Shop | None = None, now: datetime | None = None) -> int:
    """Every day from the shop's first event to today, from scratch. Returns days done."""
    now = now or timezone.now()
    shops = [shop] if shop else list(Shop.objects.all())
    done = 0
    for s in shops:
        for model in (*DAY_MODELS, BacklogDay):
            model.objects.filter(shop=s).delete()
        first = CaseEvent.objects.filter(case__shop=s).aggregate(first=Min("created_at"))["first"]
        if first is None:
            continue
        day, today = timezone.localdate(first, s.tz), timezone.localdate(now, s.tz)
        days = {day + timedelta(days=i) for i in range((today - day).days + 1)}
        _recompute(s, days, now)
        done += len(days)
    if shop is None:
        last = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        RollupState.objects.update_or_create(
            name="reports",
            defaults={"last_event_id": last, "last_rating_at": now, "refreshed_at": now},
        )
    return done


# Events written by transactions still open at the last run may have smaller ids than
# the last one seen: look back this far by time as well.
LOOK_BACK = timedelta(minutes=10)


def refresh(now: datetime | None = None) -> int:
    """Recompute the days touched since the last run (and today). Returns days done."""
    now = now or timezone.now()
    state, _ = RollupState.objects.get_or_create(name="reports")
    since = (state.refreshed_at or now) - LOOK_BACK
    touched: dict[int, set[date]] = defaultdict(set)
    new_events = CaseEvent.objects.filter(id__gt=state.last_event_id) | CaseEvent.objects.filter(
        created_at__gte=since
    )
    last_id = state.last_event_id
    tagged = set()
    for pk, case_id, shop_id, kind, at in new_events.values_list(
        "id", "case_id", "case__shop_id", "kind", "created_at"
    ).iterator():
        touched[shop_id].add(at)
        last_id = max(last_id, pk)
        if kind == EventKind.TAGGED:
            tagged.add(case_id)
    # A tag changed: the days the case's arrival and answers were counted under it.
    for part in _chunks(tagged):
        for shop_id, at in CaseEvent.objects.filter(
            case_id__in=part, kind__in=[EventKind.OPENED, EventKind.REPLIED]
        ).values_list("case__shop_id", "created_at"):
            touched[shop_id].add(at)
    rating_since = (state.last_rating_at or now) - LOOK_BACK
    for shop_id, created in Rating.objects.filter(updated_at__gte=rating_since).values_list(
        "case__shop_id", "created_at"
    ):
        touched[shop_id].add(created)
    for shop_id, replaced in Rating.objects.filter(replaced_at__gte=rating_since).values_list(
        "case__shop_id", "created_at"
    ):
        touched[shop_id].add(replaced)
    done = 0
    for shop in Shop.objects.all():
        tz = shop.tz
        days = {timezone.localdate(at, tz) for at in touched.get(shop.pk, ())}
        days.add(timezone.localdate(now, tz))
        _recompute(shop, days, now)
        done += len(days)
    state.last_event_id = last_id
    state.last_rating_at = now
    state.refreshed_at = now
    state.save()
    return done
