"""Every write to a shop's topics: the defaults seeded, a topic saved, the response-time
grid, and an agent's choice of topic for a case (which intent detection learns from)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case
from kundsvar.core import batchcache

from .defaults import DEFAULT_TOPICS
from .models import Correction, Topic, TopicPolicy

_TOPIC_FIELDS = (
    "names",
    "plurals",
    "descriptions",
    "examples",
    "keywords",
    "fields",
    "recommended_channel",
    "channel_hints",
    "faq_query",
)


@transaction.atomic
def seed_defaults(shop) -> list[Topic]:
    """The default topics (defaults.DEFAULT_TOPICS) with their response-time targets.
    Idempotent: a topic the shop already has, edited or not, is left as it is."""
    existing = set(shop.topics.values_list("slug", flat=True))
    created = []
    for position, spec in enumerate(DEFAULT_TOPICS, 1):
        if spec["slug"] in existing:
            continue
        topic = Topic.objects.create(
            shop=shop,
            slug=spec["slug"],
            position=position * 10,
            **{name: spec.get(name, _empty(name)) for name in _TOPIC_FIELDS},
        )
        TopicPolicy.objects.bulk_create(
            TopicPolicy(topic=topic, channel=channel, first_response_minutes=minutes)
            for channel, minutes in spec.get("policies", {}).items()
        )
        created.append(topic)
    batchcache.forget(shop.pk)
    return created


def _empty(name: str):
    return "" if name in ("recommended_channel", "faq_query") else [] if name == "fields" else {}


def save_topic(topic: Topic, **values: object) -> Topic:
    """Change a topic's words, fields, hint or place; validated by the model."""
    unknown = set(values) - {*_TOPIC_FIELDS, "position", "active", "faq_category"}
    if unknown:
        raise TypeError(f"not topic fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(topic, name, value)
    topic.full_clean()
    topic.save()
    batchcache.forget(topic.shop_id)
    return topic


@transaction.atomic
def set_policies(shop, grid: dict[tuple[int, str], int | None]) -> None:
    """The settings grid: for each (topic id, channel) the first-response target in
    working minutes, or None for "the shop's own policy". Cells not in `grid` stay."""
    topics = set(shop.topics.values_list("pk", flat=True))
    for (topic_id, channel), minutes in grid.items():
        if topic_id not in topics:
            raise ValueError(f"topic {topic_id} is not the shop's")
        if minutes is None:
            TopicPolicy.objects.filter(topic_id=topic_id, channel=channel).delete()
        else:
            TopicPolicy.objects.update_or_create(
                topic_id=topic_id,
                channel=channel,
                defaults={"first_response_minutes": minutes},
            )
    batchcache.forget(shop.pk)


@transaction.atomic
def choose_topic(case: Case, topic: Topic | None, agent, *, now: datetime | None = None) -> Case:
    """An agent sets or changes the case's topic. The case's first message becomes an
    example of that topic for intent detection (the latest choice per case counts)."""
    now = now or timezone.now()
    locked = Case.objects.select_for_update().filter(pk=case.pk)
    previous = locked.values_list("topic_id", flat=True).get()
    case = cases.set_topic(case, topic, actor=agent, source="agent", now=now)
    if topic is None:
        Correction.objects.filter(case_id=case.pk).delete()
    elif previous != topic.pk:
        Correction.objects.update_or_create(
            case_id=case.pk,
            defaults={
                "topic": topic,
                "previous_id": previous,
                "text": _first_text(case),
                "language": case.language,
                "created_at": now,
            },
        )
    batchcache.forget(case.shop_id)
    return case


def _first_text(case: Case) -> str:
    first = case.messages.filter(direction="in").order_by("created_at", "id").first()
    text = first.display_text if first else ""
    subject = "" if case.subject_derived else case.subject
    return f"{subject}\n{text}".strip()[:4000]
