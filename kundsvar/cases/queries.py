"""Read side of cases: the queue, its views and filters."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kundsvar.accounts.models import Membership, Role

from .models import Case, CaseView, Direction, SlaState, Status, Tag

VIEWS = ["open", "mine", "unassigned", "risk", "waiting", "snoozed", "closed"]


def queue_order() -> list:
    """Rule S2/S3: closest to breaking its promise first; at equal urgency follow-ups
    first; cases that owe nothing last, oldest first."""
    return [F("due_at").asc(nulls_last=True), F("is_follow_up").desc(), "received_at", "id"]


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
        return qs


def _view(qs: QuerySet[Case], agent, view: str, now) -> QuerySet[Case]:
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    owed = Q(status__in=[Status.NEW, Status.OPEN])
    if view == "mine":
        return qs.filter(awake, assignee=agent).exclude(status=Status.CLOSED)
    if view == "unassigned":
        return qs.filter(owed, awake, assignee__isnull=True)
    if view == "risk":
        return qs.filter(sla_state__in=[SlaState.AT_RISK, SlaState.BREACHED])
    if view == "waiting":
        return qs.filter(awake, status__in=[Status.WAITING, Status.ANSWERED])
    if view == "snoozed":
        return qs.filter(snoozed_until__gt=now)
    if view == "closed":
        return qs.filter(status=Status.CLOSED)
    return qs.filter(owed, awake)


def queue(agent, view: str = "open", filters: Filters | None = None, now=None) -> QuerySet[Case]:
    """One page's worth of rows costs a fixed number of queries however long the queue."""
    now = now or timezone.now()
    qs = _view(cases_for(agent), agent, view if view in VIEWS else "open", now)
    qs = (filters or Filters()).apply(qs)
    seen = CaseView.objects.filter(
        case=OuterRef("pk"), agent=agent, seen_at__gte=OuterRef("last_inbound_at")
    )
    qs = (
        qs.select_related("shop", "customer", "assignee", "team")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")), "customer__emails"
        )
        .annotate(seen=Exists(seen))
    )
    if view == "closed":
        return qs.order_by("-closed_at", "-id")
    return qs.order_by(*queue_order())


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


# Channels whose answers go out by email, to the address the customer wrote from.
BY_EMAIL = {"email", "form", "api"}


def reply_channels(case: Case) -> list[str]:
    """The channels an agent's answer can go out on, the usual one first: the channel of
    the customer's latest message (an SMS is answered by SMS, a chat in the chat), then
    email when the customer has an address and email is not already first."""
    last = (
        case.messages.filter(direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .only("channel")
    ).first()
    first = last.channel if last else case.channel
    choices = [first]
    if first not in BY_EMAIL and case.customer.emails.exists():
        choices.append("email")
    return choices
