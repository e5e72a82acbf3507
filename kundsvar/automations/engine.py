"""Running the rules: for an event on one case (`run_event`, from the hooks' task), and
every minute for the time conditions (`sweep`, from the worker's schedule). `dry_run`
lists the existing cases a rule would act on, without acting."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kundsvar.cases.models import Case, CaseEvent, EventKind, Status
from kundsvar.routing import services as routing

from . import actions, conditions, hooks
from .models import EVENT_TRIGGERS, Firing, Rule, Trigger

# A rule on closed cases looks back this far beyond its N days: a worker that was down
# for a while catches up, a new rule does not act on years of old cases.
CLOSED_LOOKBACK = timedelta(days=7)
DRY_RUN_SCAN = 2000


def run_event(case_id: int, trigger: str, key: str, now: datetime | None = None) -> int:
    case = Case.objects.filter(pk=case_id, merged_into__isnull=True).first()
    if case is None:
        return 0
    now = now or timezone.now()
    if trigger == Trigger.CREATED and key == "created":
        token = hooks.running.set(key)  # routing's assignment is part of the opening
        try:
            routing.route(case, now)
        finally:
            hooks.running.reset(token)
    rules = Rule.objects.filter(shop=case.shop_id, trigger=trigger, enabled=True)
    return sum(fire(rule, case.pk, key, now) for rule in rules)


def fire(rule: Rule, case_id: int, key: str, now: datetime) -> bool:
    """Claim the firing and act, in one transaction; False when the case does not match
    or the rule already fired for this key. Then the rules on updates get their turn for
    what the actions changed, under the same key."""
    case = conditions.prefetched(Case.objects.filter(pk=case_id)).select_related("shop").get()
    if not conditions.matches(rule.conditions, case):
        return False
    token = hooks.running.set(key)
    try:
        with transaction.atomic():
            firing, created = Firing.objects.get_or_create(
                rule=rule, case_id=case_id, key=key, defaults={"fired_at": now}
            )
            if not created:
                return False
            firing.done = actions.perform(rule, case, now)
            firing.save(update_fields=["done"])
    finally:
        hooks.running.reset(token)
    if firing.done:
        run_event(case_id, Trigger.UPDATED, key, now)
    return True


def _waiting(rule: Rule, cases: QuerySet, now: datetime) -> Iterator[tuple[int, str]]:
    # Since the status last became "waiting" (a reminder sent while waiting does not move it).
    became = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.STATUS, data__new="waiting")
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    found = (
        cases.filter(status=Status.WAITING)
        .annotate(waiting_since=Coalesce(Subquery(became), "last_response_at", "received_at"))
        .filter(waiting_since__lte=now - timedelta(days=rule.amount))
    )
    for pk, since in found.values_list("pk", "waiting_since"):
        yield pk, f"waiting:{since.timestamp():.0f}"


def _due_soon(rule: Rule, cases: QuerySet, now: datetime) -> Iterator[tuple[int, str]]:
    found = cases.filter(
        due_at__isnull=False,
        due_at__lte=now + timedelta(minutes=rule.amount),
        assignee__isnull=True,
    )
    for pk, due_at in found.values_list("pk", "due_at"):
        yield pk, f"due:{due_at.timestamp():.0f}"


def _time_used(rule: Rule, cases: QuerySet, now: datetime) -> Iterator[tuple[int, str]]:
    share = min(rule.amount, 100) / 100
    owed = cases.filter(due_at__isnull=False, owed_since__isnull=False, owed_since__lte=now)
    for pk, since, due_at in owed.values_list("pk", "owed_since", "due_at"):
        if since + (due_at - since) * share <= now:
            yield pk, f"used:{due_at.timestamp():.0f}"


def _closed_ago(rule: Rule, cases: QuerySet, now: datetime) -> Iterator[tuple[int, str]]:
    since = now - timedelta(days=rule.amount)
    found = cases.filter(
        status=Status.CLOSED, closed_at__lte=since, closed_at__gt=since - CLOSED_LOOKBACK
    )
    for pk, closed_at in found.values_list("pk", "closed_at"):
        yield pk, f"closed:{closed_at.timestamp():.0f}"


TIME_CONDITIONS = {
    Trigger.WAITING: _waiting,
    Trigger.DUE_SOON: _due_soon,
    Trigger.TIME_USED: _time_used,
    Trigger.CLOSED_AGO: _closed_ago,
}


def due(rule: Rule, now: datetime, *, skip_fired: bool = False) -> list[tuple[Case, str]]:
    """The shop's cases for which the rule's time condition holds now and its conditions
    match, each with the key of its event; without those it fired for when `skip_fired`.
    The time condition is one query on columns; only what is left is read in full."""
    cases = Case.objects.filter(shop=rule.shop_id, merged_into__isnull=True)
    keys = dict(TIME_CONDITIONS[rule.trigger](rule, cases, now))
    if skip_fired and keys:
        fired = Firing.objects.filter(rule=rule, case__in=list(keys)).values_list("case", "key")
        for pk, key in fired:
            if keys.get(pk) == key:
                del keys[pk]
    found = conditions.prefetched(Case.objects.filter(pk__in=list(keys))).order_by("due_at", "pk")
    return [(case, keys[case.pk]) for case in found if conditions.matches(rule.conditions, case)]


def sweep(now: datetime | None = None) -> int:
    """Fire every enabled time rule for the cases it is due for and has not fired for."""
    now = now or timezone.now()
    fired = 0
    # The longest wait first: a case that is closed after 7 days waiting needs no reminder
    # of the 3 days in the same minute (a worker that was down, a rule added today).
    rules = Rule.objects.filter(enabled=True, trigger__in=list(TIME_CONDITIONS))
    for rule in rules.order_by("-amount", "id"):
        for case, key in due(rule, now, skip_fired=True):
            fired += fire(rule, case.pk, key, now)
    return fired


def dry_run(rule: Rule, now: datetime | None = None, limit: int = 50) -> list[Case]:
    """The existing cases the rule would act on: for a time condition, those it holds for
    now; for "created"/"updated", the open cases that match its conditions."""
    now = now or timezone.now()
    if rule.trigger in EVENT_TRIGGERS:
        cases = conditions.prefetched(
            Case.objects.filter(shop=rule.shop_id, merged_into__isnull=True)
            .exclude(status=Status.CLOSED)
            .order_by("-received_at")[:DRY_RUN_SCAN]
        )
        return [c for c in cases if conditions.matches(rule.conditions, c)][:limit]
    return [case for case, _ in due(rule, now)][:limit]
