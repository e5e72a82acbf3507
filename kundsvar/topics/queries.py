"""Reads: a shop's topics for the contact page, and a case's topic target in words."""

from kundsvar.sla.policies import topic_minutes

from .models import Topic
from .wording import target_note


def shop_topics(shop) -> list[Topic]:
    """The topics customers choose from, in the shop's order."""
    return list(Topic.objects.filter(shop=shop, active=True).order_by("position", "id"))


def topic_for(shop, slug: str) -> Topic | None:
    return Topic.objects.filter(shop=shop, slug=slug, active=True).first() if slug else None


def case_note(case, language: str | None = None) -> str:
    """ "reklamationer besvaras inom 8 timmar" for a case whose topic has its own target on
    the case's channel; "" otherwise (no query when the case has no topic)."""
    if case.topic_id is None:
        return ""
    minutes = topic_minutes(case.shop, case.topic_id, case.channel)
    return target_note(case.topic, minutes, language or case.language) if minutes else ""


def with_note(promise: str, note: str) -> str:
    """ "senast tisdag 24 november kl. 14.00 (reklamationer besvaras inom 8 timmar)"."""
    return f"{promise} ({note})" if promise and note else promise
