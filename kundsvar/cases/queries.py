"""Read side of cases: the queue and its views."""

from django.db.models import F, QuerySet

from .models import Case, Status


def queue_order() -> list:
    """Rule S2/S3: closest to breaking its promise first; at equal urgency follow-ups
    first; cases that owe nothing last, newest activity first."""
    return [F("due_at").asc(nulls_last=True), F("is_follow_up").desc(), "received_at", "id"]


def cases_for(agent) -> QuerySet[Case]:
    """Every case of the shops the agent works for (superusers see all)."""
    qs = Case.objects.all()
    if not agent.is_superuser:
        qs = qs.filter(shop__memberships__agent=agent)
    return qs


def is_shop_admin(agent, shop_id: int) -> bool:
    if agent.is_superuser:
        return True
    return agent.memberships.filter(shop_id=shop_id, role="admin").exists()


def queue(agent, view: str = "open") -> QuerySet[Case]:
    qs = cases_for(agent).select_related("shop", "customer", "assignee")
    if view == "open":
        qs = qs.filter(status__in=[Status.NEW, Status.OPEN])
    elif view == "mine":
        qs = qs.filter(assignee=agent).exclude(status=Status.CLOSED)
    elif view == "waiting":
        qs = qs.filter(status__in=[Status.WAITING, Status.ANSWERED])
    elif view == "closed":
        return qs.filter(status=Status.CLOSED).order_by("-closed_at", "-id")
    return qs.order_by(*queue_order())
