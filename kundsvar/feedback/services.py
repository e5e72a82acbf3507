from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, Direction, Message
from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.intake import services as intake

from .models import Rating, Score
from .queries import current_rating


class RatingChangeUnconfirmed(Exception):
    """The answer already has the other rating; only a confirmed send changes it."""

    def __init__(self, current: Rating):
        super().__init__(current.score)
        self.current = current


@transaction.atomic
def rate(
    case: Case,
    answer,
    score: str,
    comment: str = "",
    *,
    change: bool = False,
    now: datetime | None = None,
) -> Rating:
    """Record the customer's rating of one answer, once.

    The same score again records nothing new (a comment sent with it is added to it).
    The other score replaces the rating only when `change` is set — the customer was
    asked and confirmed — else RatingChangeUnconfirmed. The replaced row stays, with its
    own comment, so a complaint never moves to the "good" side of the report (F2).
    A bad rating or a comment puts the case back in front of the team (rule F1)."""
    if score not in Score.values:
        raise ValueError(score)
    now = now or timezone.now()
    comment, _ = mask_personal_numbers(comment.strip())
    # Lock the answer: two quick presses must not both write a current rating.
    Message.objects.select_for_update().filter(pk=answer.pk).first()
    current = current_rating(answer.pk)
    if current is not None and current.score == score:
        if comment:
            current.comment = f"{current.comment}\n\n{comment}".strip()
            current.updated_at = now
            current.save(update_fields=["comment", "updated_at"])
            _comment_to_case(case, comment, now)
        return current
    if current is not None and not change:
        raise RatingChangeUnconfirmed(current)
    if current is not None:
        Rating.objects.filter(pk=current.pk).update(replaced_at=now, updated_at=now)
    rating = Rating.objects.create(
        case=case,
        message=answer,
        agent=answer.author,
        channel=case.channel,
        score=score,
        comment=comment,
        created_at=now,
        updated_at=now,
    )
    Case.objects.filter(pk=case.pk).update(satisfaction=1 if score == Score.GOOD else -1)
    if comment:
        _comment_to_case(case, comment, now)
    elif score == Score.BAD:
        cases.reopen(case, now=now, reason="bad_rating")
    return rating


def _comment_to_case(case: Case, comment: str, now: datetime) -> None:
    """The comment is a message from the customer: the team reads and answers it (F1).
    Through intake, on this case, with no acknowledgement (the rating page thanks them)."""
    inbound = cases.Inbound(
        from_address=_customer_address(case),
        body_text=comment,
        received_at=now,
        subject=case.subject,
    )
    intake.receive(case.shop, case.channel, inbound, case=case, acknowledge=False)


def _customer_address(case: Case) -> str:
    last = case.messages.filter(direction=Direction.INBOUND).exclude(from_address="").last()
    return last.from_address if last else ""
