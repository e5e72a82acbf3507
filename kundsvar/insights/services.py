"""Every write of the insights app: the weekly report mail's opt-in, and sending it."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.accounts.models import Membership, Role
from kundsvar.channels.outbox import send_to_staff

from . import emails
from .models import WeeklyMail

# Monday morning in the shop's time: Sunday's figures are final by then (the worker
# refreshes the report rows every few minutes).
SEND_AT = time(7, 0)


def set_weekly_mail(agent, shop, on: bool, *, now: datetime | None = None) -> None:
    """Turn the weekly report mail on or off for `agent` (a shop admin: the view checks).
    The first one comes the next Monday morning."""
    if on:
        week = week_due(shop, now or timezone.now())
        WeeklyMail.objects.get_or_create(agent=agent, shop=shop, defaults={"last_week": week})
    else:
        WeeklyMail.objects.filter(agent=agent, shop=shop).delete()


def week_due(shop, now: datetime) -> date:
    """The Monday of the last whole week, once it may be sent (Monday SEND_AT on)."""
    local = timezone.localtime(now, shop.tz)
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == 0 and local.time() < SEND_AT:
        monday -= timedelta(days=7)
    return monday - timedelta(days=7)


def send_weekly_reports(now: datetime | None = None) -> int:
    """Queue the weekly report to every admin who asked for it and has not had last
    week's yet. Each one is claimed with a conditional update in the transaction that
    queues it, so two workers never send it twice. Returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    wanted = WeeklyMail.objects.select_related("agent", "shop").exclude(agent__email="")
    for row in wanted:
        week = week_due(row.shop, now)
        if row.last_week and row.last_week >= week:
            continue
        if not Membership.objects.filter(agent=row.agent, shop=row.shop, role=Role.ADMIN).exists():
            continue  # no longer the shop's admin: the figures are not theirs to read
        built = emails.weekly_report(row.agent, row.shop, week)
        with transaction.atomic():
            claimed = (
                WeeklyMail.objects.filter(pk=row.pk)
                .filter(Q(last_week__isnull=True) | Q(last_week__lt=week))
                .update(last_week=week)
            )
            if claimed:
                send_to_staff(built, now=now)
                sent += 1
    return sent
