"""Routing writes (rule T2): a new case to its team's queue and, when the shop wants it,
to the available qualified agent with the least load (round robin among equals); a case
its assignee leaves unanswered near its promise back to the team; "next case" for an
agent. Every assignment goes through the case services, so it is in the audit trail."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.accounts.models import Team
from kundsvar.cases import services as cases
from kundsvar.cases.models import OWED_STATUSES, Case
from kundsvar.core import batchcache

from . import queries
from .models import AgentProfile, Escalation, RoutingSettings, TeamQueue


def settings_for(shop) -> RoutingSettings:
    return RoutingSettings.objects.filter(shop=shop).first() or RoutingSettings(shop=shop)


def route(case: Case, now: datetime | None = None) -> None:
    """A new case: into the queue of the team for its topic and language, then to an
    agent if the shop assigns automatically."""
    now = now or timezone.now()
    if case.team_id is None:
        team = queries.team_for(case)
        if team is not None:
            case = cases.assign_team(case, team, now=now)
    if case.assignee_id is None and settings_for(case.shop).auto_assign:
        auto_assign(case, now=now)


@transaction.atomic
def auto_assign(case: Case, *, now: datetime | None = None, exclude=()):
    """Give `case` to the available qualified agent with the fewest open cases; among
    equals the one who got a case longest ago. None when nobody is available (the case
    stays in the team's queue)."""
    now = now or timezone.now()
    for profile in queries.candidates(case, now, exclude=exclude):
        # The profile row is the turn: two workers routing at once take turns here.
        locked = AgentProfile.objects.select_for_update().get(pk=profile.pk)
        locked.last_assigned_at = now
        locked.save(update_fields=["last_assigned_at"])
        cases.assign(case, locked.agent, now=now)
        return locked.agent
    return None


def escalate(now: datetime | None = None) -> int:
    """Cases whose assignee has not answered as the promise nears go back to the team's
    queue (and to another available agent when the shop assigns automatically); once per
    promise. The worker runs this every minute."""
    now = now or timezone.now()
    count = 0
    for rule in RoutingSettings.objects.filter(escalate_minutes__gt=0).select_related("shop"):
        near = Case.objects.filter(
            shop=rule.shop_id,
            status__in=OWED_STATUSES,
            assignee__isnull=False,
            merged_into__isnull=True,
            due_at__lte=now + timedelta(minutes=rule.escalate_minutes),
        ).exclude(Q(snoozed_until__gt=now))
        for case in near:
            count += _escalate(case, rule, now)
    return count


@transaction.atomic
def _escalate(case: Case, rule: RoutingSettings, now: datetime) -> bool:
    if case.due_at is None:  # the query asked for a due time; answered meanwhile
        return False
    _, created = Escalation.objects.get_or_create(
        case=case, due_at=case.due_at, defaults={"agent_id": case.assignee_id, "created_at": now}
    )
    if not created:
        return False
    left = case.assignee_id
    case = cases.assign(case, None, now=now, reason="escalated")
    if rule.auto_assign:
        auto_assign(case, now=now, exclude=[left])
    return True


@transaction.atomic
def next_case(agent, now: datetime | None = None, shop_ids=None) -> Case | None:
    """The most urgent case `agent` is qualified for, unassigned or theirs, now theirs."""
    now = now or timezone.now()
    for candidate in queries.next_cases(agent, now, shop_ids=shop_ids):
        locked = Case.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
        if locked.assignee_id not in (None, agent.pk):
            continue  # a colleague took it a moment ago
        return cases.assign(locked, agent, actor=agent, now=now)
    return None


def save_profile(shop, agent, *, topics=(), languages=(), capacity=15, chat_capacity=3):
    profile, _ = AgentProfile.objects.update_or_create(
        shop=shop,
        agent=agent,
        defaults={
            "topics": sorted(int(t) for t in topics),
            "languages": sorted(languages),
            "capacity": capacity,
            "chat_capacity": chat_capacity,
        },
    )
    return profile


def save_team_queue(team: Team, *, topics=(), languages=()) -> TeamQueue:
    queue, _ = TeamQueue.objects.update_or_create(
        team=team,
        defaults={"topics": sorted(int(t) for t in topics), "languages": sorted(languages)},
    )
    batchcache.forget(team.shop_id)
    return queue


def save_settings(shop, **values) -> RoutingSettings:
    found = settings_for(shop)
    for name, value in values.items():
        setattr(found, name, value)
    found.save()
    batchcache.forget(shop.pk)
    return found
