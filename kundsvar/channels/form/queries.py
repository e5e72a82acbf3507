"""The deflection report (rule K3): how many visitors of the contact form found an
answer among the suggested articles and left without sending their question."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncWeek

from .models import ArticleAction, FormSession, SuggestedArticle

# A visit with no activity for this long is over: it either sent or it left.
SESSION_IDLE = timedelta(minutes=30)


@dataclass(frozen=True)
class Week:
    start: datetime
    sessions: int
    with_suggestions: int
    sent: int
    deflected: int  # saw suggestions and left without sending
    found: int  # opened an article or said it answered, and did not send

    @property
    def rate(self) -> float | None:
        return self.deflected / self.with_suggestions if self.with_suggestions else None


def weeks(shop, since: datetime, now: datetime) -> list[Week]:
    shown = Q(suggestions_shown__gt=0)
    unsent = Q(sent_at__isnull=True, last_seen_at__lt=now - SESSION_IDLE)
    rows = (
        FormSession.objects.filter(shop=shop, started_at__gte=since)
        .annotate(week=TruncWeek("started_at", tzinfo=shop.tz))
        .values("week")
        .annotate(
            sessions=Count("id"),
            with_suggestions=Count("id", filter=shown),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            deflected=Count("id", filter=shown & unsent),
            found=Count("id", filter=unsent & Q(found_at__isnull=False)),
        )
        .order_by("-week")
    )
    return [
        Week(
            start=r["week"],
            sessions=r["sessions"],
            with_suggestions=r["with_suggestions"],
            sent=r["sent"],
            deflected=r["deflected"],
            found=r["found"],
        )
        for r in rows
    ]


def totals(rows: list[Week]) -> Week | None:
    if not rows:
        return None
    return Week(
        start=rows[-1].start,
        **{
            name: sum(getattr(r, name) for r in rows)
            for name in ("sessions", "with_suggestions", "sent", "deflected", "found")
        },
    )


def top_articles(shop, since: datetime, now: datetime, limit: int = 10) -> list[dict]:
    """Articles opened or confirmed in visits that then did not send a question."""
    return list(
        SuggestedArticle.objects.filter(
            session__shop=shop,
            session__started_at__gte=since,
            session__sent_at__isnull=True,
            session__last_seen_at__lt=now - SESSION_IDLE,
            action__in=[ArticleAction.OPENED, ArticleAction.ANSWERED],
        )
        .values("article_id")
        .annotate(
            title=Max("title"),
            visits=Count("session", distinct=True),
            answered=Count("id", filter=Q(action=ArticleAction.ANSWERED)),
        )
        .order_by("-visits", "-answered", "article_id")[:limit]
    )


def content_gaps(shop, since: datetime, limit: int = 20) -> list[dict]:
    """What visitors asked when no article was found, or when they sent the question
    although articles were shown: the questions the FAQ does not answer yet."""
    rows = (
        FormSession.objects.filter(shop=shop, started_at__gte=since)
        .exclude(last_query="")
        .filter(Q(last_query_results=0) | Q(suggestions_shown__gt=0, sent_at__isnull=False))
        .values("last_query")
        .annotate(times=Count("id"), none_found=Count("id", filter=Q(last_query_results=0)))
        .order_by("-times", "last_query")[:limit]
    )
    return [
        {"query": r["last_query"], "times": r["times"], "none_found": bool(r["none_found"])}
        for r in rows
    ]
