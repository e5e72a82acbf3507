"""Routing reads: who is available now, who is qualified for a case, their load, and
the cases an agent may take next."""

from datetime import datetime

from django.db.models import Count, Q

from kundsvar.accounts.models import Team
from kundsvar.cases import queries as case_queries
from kundsvar.cases.models import OWED_STATUSES, Case, Channel
from kundsvar.channels.registry import channel_for
from kundsvar.staffing.models import ShiftException

from .models import AgentProfile, TeamQueue

NEXT_SCAN = 200


def team_for(case: Case) -> Team | None:
    """The team whose queue takes the case: the most specific match (topic and language
    over topic over language over a catch-all team); None when no queue matches."""
    best, score = None, -1
    queues = TeamQueue.objects.filter(team__shop=case.shop_id).select_related("team")
    for queue in queues:
        topics = set(queue.topics)
        if topics and getattr(case, "topic_id", None) not in topics:
            continue
        if queue.languages and case.language not in queue.languages:
            continue
        mine = 2 * bool(topics) + bool(queue.languages)
        if mine > score or (mine == score and best and queue.team_id < best.pk):
            best, score = queue.team, mine
    return best


def present(shop, now: datetime) -> set[int]:
    """Agents online now (the availability switch, through the chat channel's adapter)."""
    adapter = channel_for(Channel.CHAT)
    reader = getattr(adapter, "present_agents", None)
    return reader(shop, now) if reader else set()


def on_leave(shop, now: datetime) -> set[int]:
    """Agents with a day off today, or other hours today that do not include now."""
    local = now.astimezone(shop.tz)
    away = set()
    for exception in ShiftException.objects.filter(shop=shop, date=local.date()):
        if exception.day_off or not (exception.start <= local.time() < exception.end):
            away.add(exception.agent_id)
    return away


def available(shop, now: datetime) -> set[int]:
    return present(shop, now) - on_leave(shop, now)


def qualified(profile: AgentProfile, case: Case) -> bool:
    if profile.topics and getattr(case, "topic_id", None) not in profile.topics:
        return False
    return not (profile.languages and case.language not in profile.languages)


def loads(shop, agent_ids) -> dict[int, tuple[int, int]]:
    """Per agent: (open cases owed an answer, of which chats)."""
    rows = (
        Case.objects.filter(shop=shop, assignee__in=agent_ids, status__in=OWED_STATUSES)
        .values("assignee")
        .annotate(n=Count("id"), chats=Count("id", filter=Q(channel=Channel.CHAT)))
    )
    return {row["assignee"]: (row["n"], row["chats"]) for row in rows}


def candidates(case: Case, now: datetime, *, exclude=()) -> list[AgentProfile]:
    """The available agents qualified for `case` with room for it, least loaded first,
    then the one whose last case is oldest (round robin among equals)."""
    shop = case.shop
    ids = available(shop, now) - set(exclude)
    profiles = AgentProfile.objects.filter(
        shop=shop, agent__in=ids, agent__memberships__shop=shop, agent__is_active=True
    ).select_related("agent")
    if case.team_id is not None:  # in a team's queue: for its members only
        profiles = profiles.filter(agent__teams=case.team_id)
    load = loads(shop, ids)
    chat = case.channel == Channel.CHAT
    room = []
    for profile in profiles:
        n, chats = load.get(profile.agent_id, (0, 0))
        full = chats >= profile.chat_capacity if chat else n >= profile.capacity
        if not full and qualified(profile, case):
            room.append(
                (
                    n,
                    profile.last_assigned_at or datetime.min.replace(tzinfo=now.tzinfo),
                    profile.agent_id,
                    profile,
                )
            )
    room.sort(key=lambda r: r[:3])
    return [r[3] for r in room]


def next_cases(agent, now: datetime, shop_ids=None):
    """The owed cases `agent` may take, most urgent first (rule S2: by promise), those
    they are qualified for only (skills, language, their teams' queues)."""
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    qs = case_queries.cases_for(agent).filter(
        awake,
        Q(assignee__isnull=True) | Q(assignee=agent),
        status__in=OWED_STATUSES,
        merged_into__isnull=True,
    )
    if shop_ids is not None:
        qs = qs.filter(shop_id__in=shop_ids)
    profiles = {p.shop_id: p for p in AgentProfile.objects.filter(agent=agent)}
    teams = set(agent.teams.values_list("pk", flat=True))
    # A team without members is nobody's yet: anyone may take its cases.
    staffed = set(
        Team.objects.filter(shop__in=qs.values("shop"), members__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for case in qs.order_by(*case_queries.queue_order())[:NEXT_SCAN]:
        if case.team_id in staffed and case.team_id not in teams:
            continue  # another team's queue
        profile = profiles.get(case.shop_id)
        if profile is None or qualified(profile, case):
            yield case
