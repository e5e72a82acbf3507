from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, Direction
from kundsvar.core.privacy import mask_personal_numbers

from .models import Rating, Score


@transaction.atomic
def rate(case: Case, answer, score: str, comment: str = "", *,
         now: datetime | None = None) -> Rating:
    """Record (or change) the rating of one answer. A bad rating or a comment puts the
    case back in front of the team (rule F1)."""
    if score not in Score.values:
        raise ValueError(score)
    now = now or timezone.now()
    comment, _ = mask_personal_numbers(comment.strip())
    rating, created = Rating.objects.get_or_create(message=answer, defaults={
        "case": case, "agent": answer.author, "channel": case.channel, "score": score,
        "comment": comment, "created_at": now, "updated_at": now})
    changed = created or rating.score != score or (comment and comment != rating.comment)
    if not created:
        rating.score = score
        rating.comment = comment or rating.comment
        rating.updated_at = now
        rating.save(update_fields=["score", "comment", "updated_at"])
    Case.objects.filter(pk=case.pk).update(satisfaction=1 if score == Score.GOOD else -1)
    if changed and comment:
        cases.add_inbound_message(case, cases.Inbound(
            from_address=_customer_address(case), body_text=comment, received_at=now,
            subject=case.subject))
    elif changed and score == Score.BAD:
        cases.reopen(case, now=now, reason="bad_rating")
    return rating


def _customer_address(case: Case) -> str:
    last = case.messages.filter(direction=Direction.INBOUND).exclude(from_address="").last()
    return last.from_address if last else ""
