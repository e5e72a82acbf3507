"""Demo data for the satisfaction report: the customers rate the demo's answers."""

from datetime import datetime, timedelta

from django.utils import timezone

from kundsvar.cases.models import Direction, Message, Status
from kundsvar.feedback import services as feedback


def add_ratings(shop, now: datetime | None = None) -> int:
    """Every answered or closed demo case gets a "good" for its latest answer, a few
    minutes after it went out. Bad ratings are left out on purpose: they reopen the case
    (rule F1) and would change the demo's queue. Returns how many were rated."""
    now = now or timezone.now()
    answers = (
        Message.objects.filter(
            case__shop=shop,
            direction=Direction.OUTBOUND,
            case__status__in=[Status.ANSWERED, Status.CLOSED],
            ratings__isnull=True,
        )
        .select_related("case", "author")
        .order_by("case_id", "-created_at", "-id")
    )
    seen: set[int] = set()
    for answer in answers:
        if answer.case_id in seen:
            continue
        seen.add(answer.case_id)
        feedback.rate(
            answer.case, answer, "good", now=min(answer.created_at + timedelta(minutes=20), now)
        )
    return len(seen)
