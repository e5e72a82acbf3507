"""Writes of the agent's screen: drafts, signatures and saved views."""

from django.db import transaction
from django.utils import timezone

from .models import Draft, SavedView, Signature


def save_draft(agent, case, body: str, cc: str = "", bcc: str = "") -> Draft | None:
    """The composer as it stands; an empty composer forgets the draft."""
    if not (body.strip() or cc.strip() or bcc.strip()):
        discard_draft(agent, case)
        return None
    draft, _ = Draft.objects.update_or_create(
        agent=agent,
        case=case,
        defaults={
            "body": body[:20_000],
            "cc": cc[:2000],
            "bcc": bcc[:2000],
            "updated_at": timezone.now(),
        },
    )
    return draft


def discard_draft(agent, case) -> None:
    Draft.objects.filter(agent=agent, case=case).delete()


def forget_drafts(case_ids: list[int]) -> int:
    """Erasure and retention (GDPR): every agent's unsent text on these cases goes (it
    quotes and names the customer)."""
    return Draft.objects.filter(case_id__in=case_ids).delete()[0]


def set_signature(shop, agent, language: str, text: str) -> Signature | None:
    """The agent's own signature (agent set) or the shop's (agent None) in `language`
    ("" for any language); an empty text removes it."""
    rows = Signature.objects.filter(shop=shop, agent=agent, language=language)
    if not text.strip():
        rows.delete()
        return None
    with transaction.atomic():
        row = rows.select_for_update().first()
        if row is None:
            return Signature.objects.create(
                shop=shop, agent=agent, language=language, text=text.strip()[:2000]
            )
        row.text = text.strip()[:2000]
        row.save(update_fields=["text"])
        return row


def save_view(agent, name: str, query: str) -> SavedView:
    last = SavedView.objects.filter(agent=agent).order_by("-position").first()
    return SavedView.objects.create(
        agent=agent, name=name[:60], query=query[:1000], position=(last.position + 1) if last else 0
    )


def rename_view(view: SavedView, name: str) -> None:
    view.name = name[:60]
    view.save(update_fields=["name"])


def delete_view(view: SavedView) -> None:
    view.delete()


@transaction.atomic
def move_view(view: SavedView, step: int) -> None:
    """One place up (step -1) or down (+1) in the agent's sidebar."""
    views = list(SavedView.objects.select_for_update().filter(agent_id=view.agent_id))
    at = next(i for i, v in enumerate(views) if v.pk == view.pk)
    to = max(0, min(len(views) - 1, at + step))
    views.insert(to, views.pop(at))
    for position, row in enumerate(views):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def forward_message(message, to: str, agent, note: str = ""):
    """Send one message of a case, with its attachments, on to `to` (a supplier, the
    warehouse). Queued like every email; the case's history records who sent it where."""
    from kundsvar.cases.events import record_event
    from kundsvar.cases.models import EventKind
    from kundsvar.channels.email import emails, outbox
    from kundsvar.channels.outbox import OutboundKind

    case = message.case
    with transaction.atomic():
        built = emails.forward(case, message, to, note[:5000])
        row = outbox.queue(case, OutboundKind.FORWARD, message, built)
        record_event(
            case, EventKind.FORWARDED, at=timezone.now(), actor=agent, message=message.pk, to=to
        )
    return row
