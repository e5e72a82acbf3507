"""The "if" of a rule: a dict of conditions, all of which must hold. Stored as codes:

    {"channel": ["email"], "language": ["sv", "nb"], "status": ["waiting"],
     "topic": [3], "priority": ["high"], "tags_any": ["vip"], "tags_none": ["spam"],
     "customer": "@foretag.se", "text": "trasig, sönder", "assigned": "no"}

A missing or empty condition holds for every case. `text` holds when the subject or any
message from the customer contains one of its comma-separated words (case-insensitive);
`customer` when the customer's name or an address of theirs contains it."""

from collections.abc import Iterable

from django.db.models import Prefetch

from kundsvar.cases.models import Case, Direction, Message

LIST_FIELDS = ("channel", "language", "status", "priority")


def words(text: str) -> list[str]:
    return [w.strip().lower() for w in text.split(",") if w.strip()]


def _texts(case: Case) -> Iterable[str]:
    yield case.subject
    inbound = getattr(case, "inbound_messages", None)
    if inbound is None:
        inbound = case.messages.filter(direction=Direction.INBOUND)
    for message in inbound:
        yield message.subject
        yield message.display_text


def _customer_words(case: Case) -> Iterable[str]:
    yield case.customer.name
    yield from (e.address for e in case.customer.emails.all())


def _tags(case: Case) -> set[str]:
    return {t.name for t in case.tags.all()}


def matches(conditions: dict, case: Case) -> bool:
    """Whether `case` meets every condition."""
    for name in LIST_FIELDS:
        wanted = conditions.get(name)
        if wanted and getattr(case, name) not in wanted:
            return False
    topics = conditions.get("topic")
    if topics and getattr(case, "topic_id", None) not in topics:
        return False
    assigned = conditions.get("assigned")
    if assigned and (case.assignee_id is not None) != (assigned == "yes"):
        return False
    if conditions.get("tags_any") or conditions.get("tags_none"):
        tags = _tags(case)
        if conditions.get("tags_any") and not tags & set(conditions["tags_any"]):
            return False
        if tags & set(conditions.get("tags_none") or []):
            return False
    if conditions.get("customer"):
        needle = conditions["customer"].lower()
        if not any(needle in w.lower() for w in _customer_words(case)):
            return False
    if conditions.get("text"):
        haystack = "\n".join(_texts(case)).lower()
        if not any(w in haystack for w in words(conditions["text"])):
            return False
    return True


def prefetched(cases):
    """`cases` with what `matches` reads, in a few queries for the lot (the dry-run and
    the time sweep look at many cases)."""
    return cases.select_related("customer").prefetch_related(
        "tags",
        "customer__emails",
        Prefetch(
            "messages",
            queryset=Message.objects.filter(direction=Direction.INBOUND).only(
                "case_id", "subject", "new_text", "body_text"
            ),
            to_attr="inbound_messages",
        ),
    )
