"""Writes of the response-time engine: setting promises and sweeping for risk (rule S2)."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, EventKind, SlaState
from kundsvar.channels.outbox import OutboundKind, send_to_customer
from kundsvar.core import batchcache
from kundsvar.notifications import services as notifications
from kundsvar.shops.models import Shop
from kundsvar.staffing import services as staffing

from . import emails, forecast
from .calendar import BusinessCalendar
from .deadlines import Deadline, _at_risk, compute_deadline
from .models import DelayNotice, ResponsePolicy
from .policies import targets_for

# The team is behind when this many promises are already broken, or this share of them.
BEHIND_BREACHED = 10
BEHIND_SHARE = 0.25
UNDER_LOAD_STRETCH = 1.5


def under_load(shop: Shop, now: datetime) -> bool:
    """Rule A4: is the team behind? Then a new promise is stretched and says so honestly,
    rather than promising what the team cannot keep. In a batch of mail (core.batchcache)
    answered once a minute of arrival: the messages of one burst find the same team."""
    minute = now.replace(second=0, microsecond=0)
    return batchcache.cached(shop.pk, ("under_load", minute), lambda: _under_load(shop, now))


def _under_load(shop: Shop, now: datetime) -> bool:
    owed = Case.objects.filter(shop=shop, due_at__isnull=False)
    counts = owed.aggregate(all=Count("id"), broken=Count("id", filter=Q(due_at__lt=now)))
    broken = counts["broken"]
    return broken >= BEHIND_BREACHED or (broken >= 3 and broken >= BEHIND_SHARE * counts["all"])


def deadline_for(
    case: Case, since: datetime, *, follow_up: bool, stretched: bool = False
) -> Deadline:
    """What the shop can promise for `case` when the customer wrote at `since`."""
    calendar = BusinessCalendar.for_shop(case.shop)
    wanted = targets_for(case, follow_up=follow_up)
    if stretched:
        wanted = replace(wanted, answer=wanted.answer * UNDER_LOAD_STRETCH)
    return compute_deadline(calendar, since, wanted)


@dataclass(frozen=True)
class Promise:
    deadline: Deadline
    by_forecast: bool  # the queue, not the policy, set the time: say so (A4)
    reach_at: datetime | None = None


def promise_for(case: Case, since: datetime, *, follow_up: bool) -> Promise:
    """Rule A4: the later of the policy's deadline and the forecast of when an agent
    reaches the case, rounded up to a quarter (or a whole) hour. Later than the ceiling
    only with `beyond_ceiling` set, which the acknowledgement says plainly.

    A shop that keeps no shifts has no forecast; for it the old rough guess stands: the
    promise is stretched ×1.5 when the team is already behind (`under_load`)."""
    shop = case.shop
    predicted = forecast.reach(shop, case.channel, case.language, since, follow_up=follow_up)
    if predicted is None:
        stretched = not follow_up and under_load(shop, since)
        return Promise(
            deadline_for(case, since, follow_up=follow_up, stretched=stretched), stretched
        )
    policy = deadline_for(case, since, follow_up=follow_up)
    if predicted.reach_at is None or predicted.reach_at <= policy.due_at:
        return Promise(policy, False, predicted.reach_at)
    due = forecast.round_up(predicted.reach_at, since)
    ceiling = since + targets_for(case, follow_up=follow_up).ceiling
    calendar = BusinessCalendar.for_shop(shop)
    deadline = Deadline(due, _at_risk(calendar, since, due), due > ceiling)
    return Promise(deadline, True, predicted.reach_at)


def owe_answer(case: Case, since: datetime, deadline: Deadline) -> None:
    """Set the promise on an in-memory case; the caller saves it."""
    case.owed_since = since
    case.due_at = deadline.due_at
    case.at_risk_at = deadline.at_risk_at
    case.beyond_ceiling = deadline.beyond_ceiling
    case.sla_state = SlaState.OK


def clear_promise(case: Case) -> None:
    case.owed_since = None
    case.due_at = None
    case.at_risk_at = None
    case.beyond_ceiling = False
    case.sla_state = SlaState.NONE
    case.is_follow_up = False


SLA_FIELDS = ["owed_since", "due_at", "at_risk_at", "beyond_ceiling", "sla_state", "is_follow_up"]


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Mark owed cases at risk (80 % of the time used) and breached (past due).

    Each case is claimed with a conditional UPDATE, so two workers sweeping at the same
    time write one event per case, not two.
    """
    now = now or timezone.now()
    counts = {"at_risk": 0, "breached": 0}
    breached = Case.objects.filter(due_at__lte=now).exclude(sla_state=SlaState.BREACHED)
    for case_id, due_at in breached.values_list("id", "due_at"):
        with transaction.atomic():
            claimed = (
                Case.objects.filter(id=case_id, due_at=due_at)
                .exclude(sla_state=SlaState.BREACHED)
                .update(sla_state=SlaState.BREACHED)
            )
            if claimed:
                # due_at is not None: the filter compared it with now.
                record_event(case_id, EventKind.BREACHED, at=now, due_at=due_at.isoformat())  # type: ignore[union-attr]
                counts["breached"] += 1
    at_risk = Case.objects.filter(sla_state=SlaState.OK, at_risk_at__lte=now, due_at__gt=now)
    for case_id, due_at in at_risk.values_list("id", "due_at"):
        with transaction.atomic():
            claimed = Case.objects.filter(
                Q(id=case_id, due_at=due_at, sla_state=SlaState.OK)
            ).update(sla_state=SlaState.AT_RISK)
            if claimed:
                # due_at is not None: the filter compared it with now.
                record_event(case_id, EventKind.AT_RISK, at=now, due_at=due_at.isoformat())  # type: ignore[union-attr]
                notifications.promise_at_risk(case_id, now=now)
                counts["at_risk"] += 1
    return counts


# The "we need until …" mail goes at least this long before the promise passes, or not at all.
NOTICE_BEFORE = timedelta(minutes=10)


def foresee_misses(now: datetime | None = None) -> dict[str, int]:
    """Rule A4: a promise the queue shows will be missed is escalated (at risk now, with
    the foreseen time in the audit trail) and, when the shop wants it, the customer is
    told the new time in one honest email, before the promise passes, never after.
    Once per promise (`DelayNotice`), however often the sweep runs."""
    now = now or timezone.now()
    counts = {"escalated": 0, "mailed": 0}
    shops = Shop.objects.filter(
        pk__in=Case.objects.filter(due_at__gt=now).values("shop").distinct(),
        shifts__isnull=False,
    ).distinct()
    for shop in shops:
        wants_mail = staffing.settings_for(shop).delay_notice
        for case, expected, new_due in forecast.foreseen_misses(shop, now):
            mailed = _escalate(case, expected, new_due, now, mail=wants_mail)
            if mailed is not None:
                counts["escalated"] += 1
                counts["mailed"] += mailed
    return counts


@transaction.atomic
def _escalate(
    case: Case, expected: datetime, new_due: datetime, now: datetime, *, mail: bool
) -> bool | None:
    """None when this promise was escalated before; else whether the customer was mailed."""
    if case.due_at is None:  # answered meanwhile: no promise left to escalate
        return None
    notice, created = DelayNotice.objects.get_or_create(
        case=case, due_at=case.due_at, defaults={"new_due_at": new_due, "created_at": now}
    )
    if not created:
        return None
    newly = Case.objects.filter(pk=case.pk, sla_state=SlaState.OK).update(
        sla_state=SlaState.AT_RISK
    )
    record_event(
        case,
        EventKind.AT_RISK,
        at=now,
        due_at=case.due_at.isoformat(),
        foreseen=expected.isoformat(),
        new_due_at=new_due.isoformat(),
    )
    if newly:  # the assignee hears of a promise at risk once, however it was found
        notifications.promise_at_risk(case.pk, now=now)
    address = case.customer.primary_email
    in_time = now <= case.due_at - NOTICE_BEFORE
    if not (mail and address and in_time and case.channel in forecast.WRITTEN):
        return False
    last = case.messages.filter(direction="in").exclude(message_id="").order_by("-id").first()
    built = emails.delay_notice(
        case, new_due, to=address, in_reply_to=last.message_id if last else ""
    )
    send_to_customer(built, kind=OutboundKind.ACK, now=now, case=case)
    notice.mailed = True
    notice.save(update_fields=["mailed"])
    return True


def save_policy(
    shop: Shop, policy: ResponsePolicy | None = None, **values: object
) -> ResponsePolicy:
    """Create or change a response-time policy. full_clean() applies rule S1: over
    48 hours only with the override and a reason."""
    policy = policy or ResponsePolicy(shop=shop)
    for field, value in values.items():
        setattr(policy, field, value)
    if not policy.override_over_48h:
        policy.override_reason = ""
    policy.full_clean()
    policy.save()
    batchcache.forget(shop.pk)  # a batch of mail in progress sees the new targets
    return policy


def delete_policy(policy: ResponsePolicy) -> None:
    """The channel falls back to the shop's default policy, then to the S1 defaults."""
    policy.delete()
    batchcache.forget(policy.shop_id)
