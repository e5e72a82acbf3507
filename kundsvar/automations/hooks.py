"""The case services' explicit calls into automations (no signals): `case_opened` and
`case_changed` are called inside the write's transaction; the rules run in a task after
the commit, so a rule sees the committed case and a rolled-back write fires nothing.

Loop protection: the rules run for one event at a time, under that event's key. Whatever
their actions change on the case is not a new event but more of the same one (the chain
ends when every rule has fired once for that key: `Firing` is unique per rule, case and
key)."""

import uuid
from contextvars import ContextVar

from django.db import transaction

from kundsvar.core import batchcache
from kundsvar.routing.models import RoutingSettings, TeamQueue

from .models import Rule, Trigger

# The key of the event the rules are running for, while their actions run.
running: ContextVar[str | None] = ContextVar("automation_event", default=None)


def _triggers(shop_id: int) -> set[str]:
    """What the shop has rules on for; read once per batch of mail (`core.batchcache`)."""

    def load() -> set[str]:  # the query built only when it runs (once per batch)
        rules = Rule.objects.filter(shop_id=shop_id, enabled=True)
        return set(rules.values_list("trigger", flat=True))

    return batchcache.cached(shop_id, ("rule_triggers",), load)


def _routed(shop_id: int) -> bool:
    def load() -> bool:
        return (
            RoutingSettings.objects.filter(shop_id=shop_id, auto_assign=True).exists()
            or TeamQueue.objects.filter(team__shop_id=shop_id).exists()
        )

    return batchcache.cached(shop_id, ("routed",), load)


def _queue(case, trigger: str, key: str) -> None:
    if running.get() is not None:
        return
    if trigger not in _triggers(case.shop_id) and not (
        trigger == Trigger.CREATED and _routed(case.shop_id)
    ):
        return
    from . import tasks  # the task module imports the case services, which import us

    case_id = case.pk
    transaction.on_commit(lambda: tasks.run_event_rules.enqueue(case_id, trigger, key))


def case_opened(case) -> None:
    """A new case: routed (team queue, automatic assignment), then the rules on creation."""
    _queue(case, Trigger.CREATED, "created")


def case_changed(case) -> None:
    _queue(case, Trigger.UPDATED, f"u{uuid.uuid4().hex[:20]}")
