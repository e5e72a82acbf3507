"""Every write of notifications. The case services call `case_assigned`,
`customer_replied` and `note_added`, the deadline sweep `promise_at_risk` (explicit
calls, no signals), in the transaction of the change: a change rolled back tells nobody.
Each new notification is published on the agent's live stream, so the bell's count and
the browser notification come without a reload."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundsvar.channels.outbox import send_to_staff
from kundsvar.live import services as live

from . import emails, mentions, queries
from .models import Digest, Kind, Notification, NotificationSettings

EXCERPT = 300
HOURLY = timedelta(minutes=55)  # a sweep every few minutes: about once an hour
DAILY_AT_HOUR = 7  # local time of the installation (TIME_ZONE)


def title(notification: Notification) -> str:
    """The notification in words, in the active language (rendered when shown)."""
    values = {"number": notification.case.number, "actor": notification.actor}
    if notification.kind == Kind.ASSIGNED:
        if notification.actor is None:
            return _("Case #%(number)s was assigned to you") % values
        return _("%(actor)s assigned case #%(number)s to you") % values
    if notification.kind == Kind.REPLY:
        return _("The customer replied on case #%(number)s") % values
    if notification.kind == Kind.MENTION:
        return _("%(actor)s mentioned you on case #%(number)s") % values
    return _("The promise on case #%(number)s is at risk") % values


def _excerpt(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= EXCERPT else words[: EXCERPT - 1] + "…"


def _notify(recipient, kind: str, case, *, text: str = "", actor=None, now=None):
    """One notification for `recipient`, unless they caused it themselves or turned the
    kind off. Published on their live stream after commit."""
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    if kind not in queries.settings_of(recipient).kinds:
        return None
    row = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        case=case,
        actor=actor,
        text=_excerpt(text),
        created_at=now or timezone.now(),
    )
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        payload = {
            "id": row.pk,
            "type": kind,
            "title": title(row),
            "text": row.text,
            "url": reverse("cases:detail", args=[case.number]),
            "unread": queries.unread_count(recipient),
        }
    live.publish(queries.stream_of(recipient.pk), "notification", payload, now=row.created_at)
    return row


def case_assigned(case, assignee, *, actor=None, now: datetime | None = None):
    """`assignee` got the case from a colleague or from routing (`actor` None)."""
    return _notify(assignee, Kind.ASSIGNED, case, text=case.subject, actor=actor, now=now)


def customer_replied(case, message, *, now: datetime | None = None):
    """The customer wrote on a case someone has: that someone is told."""
    if case.assignee_id is None or message.channel == "chat":
        return None  # a chat's lines reach its agent live in the chat inbox already
    text = getattr(message, "display_text", "") or message.body_text
    return _notify(case.assignee, Kind.REPLY, case, text=text, now=now)


def note_added(case, note, author, *, now: datetime | None = None) -> list[Notification]:
    """Everyone `@named` in an internal note (by username, or an unambiguous first name
    within the case's shop)."""
    found = []
    for agent in mentions.mentioned(note.body_text, case.shop_id):
        row = _notify(agent, Kind.MENTION, case, text=note.body_text, actor=author, now=now)
        if row is not None:
            found.append(row)
    return found


def promise_at_risk(case_id: int, *, now: datetime | None = None):
    """The deadline sweep marked a promise at risk: the case's assignee is told."""
    from kundsvar.cases.models import Case

    case = Case.objects.select_related("assignee").filter(pk=case_id).first()
    if case is None or case.assignee is None:
        return None
    return _notify(case.assignee, Kind.AT_RISK, case, text=case.subject, now=now)


def forget_texts(case_ids: list[int]) -> int:
    """Erasure and retention (GDPR): the notifications about these cases keep their kind
    and time but lose their excerpt (the customer's words, the case's subject), in the
    table and on the agents' live streams (emptied there too, not deleted: a stream
    stays numbered without gaps)."""
    rows = Notification.objects.filter(case_id__in=case_ids)
    ids = list(rows.values_list("pk", flat=True))
    if ids:
        live.forget_field(queries.STREAM_PREFIX, "notification", ids, "text")
    return rows.update(text="")


@transaction.atomic
def mark_read(agent, ids=None, *, now: datetime | None = None) -> int:
    """Mark the agent's notifications `ids` (all unread ones when None) as read."""
    rows = Notification.objects.filter(recipient=agent, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    changed = rows.update(read_at=now or timezone.now())
    if changed:  # the agent's other tabs update their count
        live.publish(
            queries.stream_of(agent.pk), "read", {"unread": queries.unread_count(agent)}, now=now
        )
    return changed


@transaction.atomic
def save_settings(agent, *, kinds, digest: str) -> NotificationSettings:
    if digest not in Digest.values:
        raise ValueError(f"Unknown digest {digest!r}")
    row, _created = NotificationSettings.objects.update_or_create(
        agent=agent,
        defaults={"kinds": [k for k in Kind.values if k in set(kinds)], "digest": digest},
    )
    return row


def _digest_due(row: NotificationSettings, now: datetime) -> bool:
    last = row.last_digest_at
    if row.digest == Digest.HOURLY:
        return last is None or now - last >= HOURLY
    local = timezone.localtime(now)
    if local.hour < DAILY_AT_HOUR:
        return False
    return last is None or timezone.localtime(last).date() < local.date()


def send_digests(now: datetime | None = None) -> int:
    """Mail each agent who asked for a digest the unread notifications no digest has
    carried yet, when their hour or day has come. The agent's settings row is claimed
    with a conditional update and the notifications marked in the same transaction, so
    two workers never send one twice. Returns how many mails were queued."""
    now = now or timezone.now()
    sent = 0
    wanted = (
        NotificationSettings.objects.exclude(digest=Digest.OFF)
        .filter(agent__is_active=True)
        .exclude(agent__email="")
        .select_related("agent")
    )
    for row in wanted:
        if _digest_due(row, now):
            sent += _send_digest(row, now)
    return sent


@transaction.atomic
def _send_digest(row: NotificationSettings, now: datetime) -> int:
    claimed = NotificationSettings.objects.filter(
        pk=row.pk, last_digest_at=row.last_digest_at
    ).update(last_digest_at=now)
    if not claimed:
        return 0  # another worker got there first
    pending = list(
        Notification.objects.filter(
            recipient=row.agent, read_at__isnull=True, emailed_at__isnull=True, created_at__lte=now
        )
        .select_related("case__shop", "actor")
        .order_by("created_at", "id")[:100]
    )
    if not pending:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in pending], emailed_at__isnull=True).update(
        emailed_at=now
    )
    send_to_staff(emails.digest(row.agent, pending), now=now)
    return 1
