"""Read side of cases: the queue, its views and filters."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.models import Shop

from .models import (
    LANE_CLOSED,
    LANE_OWED,
    LANE_WAITING,
    Case,
    CaseEvent,
    CaseView,
    Direction,
    EventKind,
    Message,
    QueueTally,
    SlaState,
    Status,
    Tag,
)

VIEWS = ["open", "mine", "unassigned", "risk", "waiting", "snoozed", "closed"]


def queue_order() -> list:
    """Rule S2/S3: closest to breaking its promise first; at equal urgency follow-ups
    first; cases that owe nothing last, oldest first."""
    # due_missing (a generated column: 1 without a deadline) instead of NULLS LAST, so
    # that both databases read the order from the case_queue_* indexes.
    return ["due_missing", "due_at", F("is_follow_up").desc(), "received_at", "id"]


CLOSED_ORDER = [F("closed_at").desc(), F("id").desc()]
SNOOZED_ORDER = ["snoozed_until", "id"]


def shop_ids(agent) -> QuerySet:
    return Membership.objects.filter(agent=agent).values("shop_id")


def cases_for(agent) -> QuerySet[Case]:
    """Every case of the shops the agent works for (superusers see all)."""
    if agent.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(shop_id__in=shop_ids(agent))


def is_shop_admin(agent, shop_id: int) -> bool:
    if agent.is_superuser:
        return True
    return agent.memberships.filter(shop_id=shop_id, role=Role.ADMIN).exists()


@dataclass(frozen=True)
class Filters:
    shop: int | None = None
    channel: str = ""
    tag: str = ""
    language: str = ""
    assignee: str = ""  # an agent id, or "none"
    team: int | None = None
    # The cases behind a report's figure (insights): what happened to them from `since`
    # to `until` — "opened", "follow_up", "replied" or "rated" — and how.
    event: str = ""
    since: datetime | None = None
    until: datetime | None = None
    kept: str = ""  # "yes"/"no": replies that kept (broke) their promise
    reply: str = ""  # "first"/"follow_up"
    by: int | None = None  # the agent who replied (rated: whose answer was rated)
    score: str = ""  # rated: "good"/"bad"
    how: int | None = None  # opened in this hour of the week (0 = Monday 00), shop's time
    owed_at: datetime | None = None  # owed an answer at this instant (the backlog)

    @property
    def from_report(self) -> bool:
        return bool(self.event or self.owed_at)

    @classmethod
    def from_query(cls, params) -> "Filters":
        def number(name):
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(
            shop=number("shop"),
            channel=params.get("channel", "")[:16],
            tag=params.get("tag", "")[:50],
            language=params.get("language", "")[:2],
            assignee=params.get("assignee", "")[:12],
            team=number("team"),
            event=params.get("event", "")[:16],
            since=_instant(params.get("since", "")),
            until=_instant(params.get("until", "")),
            kept=params.get("kept", "")[:3],
            reply=params.get("reply", "")[:9],
            by=number("by"),
            score=params.get("score", "")[:4],
            how=number("how"),
            owed_at=_instant(params.get("owed_at", "")),
        )

    def apply(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        if self.shop:
            qs = qs.filter(shop_id=self.shop)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.tag:
            qs = qs.filter(tags__name=self.tag)
        if self.language:
            qs = qs.filter(language=self.language)
        if self.assignee == "none":
            qs = qs.filter(assignee__isnull=True)
        elif self.assignee.isdigit():
            qs = qs.filter(assignee_id=int(self.assignee))
        if self.team:
            qs = qs.filter(team_id=self.team)
        if self.event:
            qs = self._happened(qs)
        if self.owed_at:
            qs = qs.filter(pk__in=owed_at(self.owed_at))
        return qs

    def _during(self, field: str) -> Q:
        q = Q()
        if self.since:
            q &= Q(**{f"{field}__gte": self.since})
        if self.until:
            q &= Q(**{f"{field}__lt": self.until})
        return q

    def _happened(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        if self.event == "rated":
            # Through the ratings' reverse relation: feedback sits above cases.
            rated = self._during("ratings__created_at") & Q(ratings__replaced_at=None)
            if self.score:
                rated &= Q(ratings__score=self.score)
            if self.by:
                rated &= Q(ratings__agent_id=self.by)
            return qs.filter(pk__in=Case.objects.filter(rated).values("pk"))
        kinds = {"opened": EventKind.OPENED, "follow_up": EventKind.FOLLOW_UP}
        events = CaseEvent.objects.filter(
            self._during("created_at"), kind=kinds.get(self.event, EventKind.REPLIED)
        )
        if self.event == "replied":
            if self.kept:
                events = events.filter(data__kept=self.kept == "yes")
            if self.reply:
                events = events.filter(data__first=self.reply == "first")
            if self.by:
                events = events.filter(actor_id=self.by)
        qs = qs.filter(pk__in=events.values("case_id"))
        if self.how is not None and self.shop:
            tz = Shop.objects.get(pk=self.shop).tz
            qs = qs.annotate(
                _day=ExtractIsoWeekDay("received_at", tzinfo=tz),
                _hour=ExtractHour("received_at", tzinfo=tz),
            ).filter(_day=self.how // 24 + 1, _hour=self.how % 24)
        return qs


def _instant(value: str) -> datetime | None:
    try:
        found = parse_datetime(value.replace(" ", "+"))
    except ValueError:
        return None
    return found if found and found.tzinfo else None


# What a case's status is after each event (insights.rollups._step reads the same).
_STATE_KINDS = [
    EventKind.OPENED,
    EventKind.INBOUND,
    EventKind.FOLLOW_UP,
    EventKind.STATUS,
    EventKind.MERGED_INTO,
    EventKind.REPLIED,
]


_MESSAGES = [EventKind.INBOUND, EventKind.FOLLOW_UP]


def owed_at(at: datetime) -> QuerySet:
    """Ids of the cases owed an answer at `at` by their audit log: the last event up to
    then that changed whether an answer is owed left it owed."""
    changes = (
        CaseEvent.objects.filter(case=OuterRef("pk"), created_at__lte=at, kind__in=_STATE_KINDS)
        .exclude(Q(kind__in=_MESSAGES) & ~Q(data__has_key="old_status"))
        .exclude(Q(kind__in=_MESSAGES) & Q(data__old_status__in=["new", "open"]))
        .exclude(Q(kind=EventKind.STATUS) & ~Q(data__has_key="new"))
        .annotate(
            owes=CaseWhen(
                When(kind=EventKind.STATUS, then=KT("data__new")),
                When(kind__in=[EventKind.MERGED_INTO, EventKind.REPLIED], then=Value("no")),
                default=Value("open"),
                output_field=CharField(),
            )
        )
        .order_by("-created_at", "-id")
        .values("owes")[:1]
    )
    return (
        Case.objects.filter(received_at__lte=at)
        .annotate(owes=Subquery(changes))
        .filter(owes__in=["new", "open"])
        .values("pk")
    )


def _view(qs: QuerySet[Case], agent, view: str, now) -> QuerySet[Case]:
    """Each view's filter, written so that an index gives its rows in queue order:
    `lane` (the generated column of the status) instead of status IN (...)."""
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    if view == "mine":
        return qs.filter(awake, assignee=agent, lane__in=[LANE_OWED, LANE_WAITING])
    if view == "unassigned":
        return qs.filter(awake, lane=LANE_OWED, assignee__isnull=True)
    if view == "risk":
        # At risk and breached are states of a deadline (sla.services): never without one.
        return qs.filter(due_missing=0, sla_state__in=[SlaState.AT_RISK, SlaState.BREACHED])
    if view == "waiting":
        return qs.filter(awake, lane=LANE_WAITING)
    if view == "snoozed":
        return qs.filter(snoozed_until__gt=now)
    if view == "closed":  # by the case_status_closed index, newest first
        return qs.filter(status=Status.CLOSED)
    return qs.filter(awake, lane=LANE_OWED)


def view_counts(agent, now=None) -> dict[str, int]:
    """The number of cases in every view, in two small queries whatever the size: the
    maintained tallies (tallies.py) less what is snoozed right now (an index range)."""
    now = now or timezone.now()
    tallies = QueueTally.objects.all()
    snoozed = Case.objects.filter(snoozed_until__gt=now)
    if not agent.is_superuser:
        shops = shop_ids(agent)  # a subquery in both: no round trip of its own
        tallies = tallies.filter(shop_id__in=shops)
        snoozed = snoozed.filter(shop_id__in=shops)
    counts = dict.fromkeys(VIEWS, 0)
    for lane, assignee, sla_state, n in tallies.values_list(
        "lane", "assignee_id", "sla_state", "n"
    ):
        _count(counts, agent, lane, assignee, n)
        if sla_state in (SlaState.AT_RISK, SlaState.BREACHED):
            counts["risk"] += n
    for lane, assignee, n in (
        snoozed.values_list("lane", "assignee_id")
        .annotate(n=Count("id"))
        .values_list("lane", "assignee_id", "n")
    ):
        _count(counts, agent, lane, assignee or 0, -n)
        counts["snoozed"] += n
    return counts


def _count(counts: dict, agent, lane: int, assignee: int, n: int) -> None:
    if lane == LANE_OWED:
        counts["open"] += n
        if not assignee:
            counts["unassigned"] += n
    elif lane == LANE_WAITING:
        counts["waiting"] += n
    else:
        counts["closed"] += n
    if assignee == agent.pk and lane != LANE_CLOSED:
        counts["mine"] += n


def after(qs: QuerySet[Case], view: str, last: Case) -> QuerySet[Case]:
    """Keyset pagination: the rows after `last` in the view's order (no OFFSET)."""
    if view == "closed":
        if last.closed_at is None:
            return qs.filter(closed_at__isnull=True, id__lt=last.pk)
        return qs.filter(
            Q(closed_at__lt=last.closed_at) | Q(closed_at=last.closed_at, id__lt=last.pk)
        )
    if view == "snoozed":
        if last.snoozed_until is None:
            return qs.none()
        return qs.filter(
            Q(snoozed_until__gt=last.snoozed_until)
            | Q(snoozed_until=last.snoozed_until, id__gt=last.pk)
        )
    fu, received = last.is_follow_up, last.received_at
    tail = (
        Q(is_follow_up__lt=fu)
        | Q(is_follow_up=fu, received_at__gt=received)
        | Q(is_follow_up=fu, received_at=received, id__gt=last.pk)
    )
    if last.due_at is None:  # past every deadline already: the rest have none either
        return qs.filter(due_missing=1).filter(tail)
    return qs.filter(Q(due_missing=1) | Q(due_at__gt=last.due_at) | (Q(due_at=last.due_at) & tail))


def queue(agent, view: str = "open", filters: Filters | None = None, now=None) -> QuerySet[Case]:
    """One page's worth of rows costs a fixed number of queries however long the queue."""
    now = now or timezone.now()
    filters = filters or Filters()
    if filters.from_report:
        qs = cases_for(agent)  # a report's figure: the cases behind it, whatever their status
    else:
        qs = _view(cases_for(agent), agent, view if view in VIEWS else "open", now)
    qs = filters.apply(qs)
    seen = CaseView.objects.filter(
        case=OuterRef("pk"), agent=agent, seen_at__gte=OuterRef("last_inbound_at")
    )
    qs = (
        qs.select_related("shop", "customer", "assignee", "team")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")), "customer__emails"
        )
        .annotate(seen=Exists(seen), preview=_preview())
    )
    if view == "closed":
        return qs.order_by(*CLOSED_ORDER)
    if view == "snoozed":  # soonest awake first, by the case_snoozed index
        return qs.order_by(*SNOOZED_ORDER)
    return qs.order_by(*queue_order())


PREVIEW_CHARS = 140


def _preview() -> Subquery:
    """The start of the latest message the customer or an agent wrote (not a note):
    one index probe (message_case_time) per row shown, not per case in the view."""
    latest = (
        Message.objects.filter(case=OuterRef("pk"))
        .exclude(direction=Direction.NOTE)
        .order_by("-created_at", "-id")
        .annotate(
            text=Substr(
                CaseWhen(When(new_text="", then="body_text"), default="new_text"),
                1,
                PREVIEW_CHARS,
            )
        )
        .values("text")[:1]
    )
    return Subquery(latest, output_field=CharField())


def colleagues_viewing(case: Case, agent, since) -> list:
    """Other agents who have had the case open since `since` (the collision notice)."""
    return [
        v.agent
        for v in CaseView.objects.filter(case=case, seen_at__gte=since)
        .exclude(agent=agent)
        .select_related("agent")
        .order_by("agent__first_name")
    ]


def previous_cases(case: Case, limit: int = 10) -> list[Case]:
    return list(
        Case.objects.filter(customer_id=case.customer_id)
        .exclude(pk=case.pk)
        .order_by("-received_at")[:limit]
    )


def prefetched_messages(case: Case) -> list[Message] | None:
    """The conversation when the page already read it (`Prefetch("messages")`): what
    the composer and the panels ask of it then costs no query of its own."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    return list(cache["messages"]) if "messages" in cache else None


def latest_inbound(case: Case, *fields: str) -> Message | None:
    """The customer's latest message (only `fields` read when it takes a query)."""
    messages = prefetched_messages(case)
    if messages is not None:
        inbound = [m for m in messages if m.direction == Direction.INBOUND]
        return max(inbound, key=lambda m: (m.created_at, m.pk), default=None)
    return (
        case.messages.filter(direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .only("case", *fields)  # the case too: no second query for it
        .first()
    )


# Channels whose answers go out by email, to the address the customer wrote from.
BY_EMAIL = {"email", "form", "api"}


def reply_channels(case: Case) -> list[str]:
    """The channels an agent's answer can go out on, the usual one first: the channel of
    the customer's latest message (an SMS is answered by SMS, a chat in the chat), then
    email when the customer has an address and email is not already first."""
    last = latest_inbound(case, "channel")
    first = last.channel if last else case.channel
    choices = [first]
    if first not in BY_EMAIL and case.customer.emails.exists():
        choices.append("email")
    return choices


def of_shop(alias: str) -> str:
    """SQL: the row `alias` (a table with `case_id`) belongs to a case of the shop given
    as the next parameter. A subquery per row, by the case's primary key, not a join: the
    statements that use it find their few rows by another index (a Message-ID, a sender)
    and only then ask each row's shop. With a join, PostgreSQL on tables filled faster
    than it gathers statistics (a new installation's first burst, an import) took the
    shop's cases for a handful and walked every one of them for every mail: 5-8 ms a
    statement where 0.03 ms will do."""
    table = connection.ops.quote_name(Case._meta.db_table)
    return f"(SELECT c.shop_id FROM {table} c WHERE c.id = {alias}.case_id) = %s"  # noqa: S608 — the model's table; the shop is a parameter
