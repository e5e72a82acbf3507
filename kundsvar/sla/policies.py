from datetime import timedelta

from kundsvar.core import batchcache
from kundsvar.topics.models import TopicPolicy

from .deadlines import Targets
from .models import ResponsePolicy


def policy_for(shop, channel: str) -> ResponsePolicy:
    """The channel's own policy, else the shop's default, else the rule-S1 defaults.
    Loaded once per batch of mail (batchcache); shops.services forgets it on a change."""
    found = batchcache.cached(shop.pk, ("policies",), lambda: _policies(shop))
    return found.get(channel) or found.get("") or ResponsePolicy(shop=shop, channel="")


def _policies(shop) -> dict[str, ResponsePolicy]:
    return {p.channel: p for p in ResponsePolicy.objects.filter(shop=shop)}


def targets(policy: ResponsePolicy, *, follow_up: bool) -> Targets:
    answer = policy.follow_up_minutes if follow_up else policy.first_response_minutes
    return Targets(
        answer=timedelta(minutes=answer),
        fast_lane=timedelta(minutes=policy.follow_up_minutes),
        ceiling=timedelta(minutes=policy.ceiling_minutes),
    )


def topic_minutes(shop, topic_id: int | None, channel: str) -> int | None:
    """The topic's own first-response target on `channel` (or on every channel), in working
    minutes; None when the topic has none and the shop's policy applies."""
    if topic_id is None:
        return None
    found = batchcache.cached(shop.pk, ("topic_policies",), lambda: _topic_policies(shop))
    return found.get((topic_id, channel)) or found.get((topic_id, ""))


def _topic_policies(shop) -> dict[tuple[int, str], int]:
    rows = TopicPolicy.objects.filter(topic__shop=shop)
    return {(p.topic_id, p.channel): p.first_response_minutes for p in rows}


def targets_for(case, *, follow_up: bool) -> Targets:
    """The shop's targets for the case's channel, with its topic's target on top: a
    complaint within 8 working hours, a cancellation within one. A follow-up is never
    slower than a first question on the same topic (S3); the ceiling stays (S1)."""
    wanted = targets(policy_for(case.shop, case.channel), follow_up=follow_up)
    minutes = topic_minutes(case.shop, case.topic_id, case.channel)
    if minutes is None:
        return wanted
    topic = timedelta(minutes=minutes)
    answer = min(topic, wanted.answer) if follow_up else topic
    return Targets(answer=answer, fast_lane=min(wanted.fast_lane, topic), ceiling=wanted.ceiling)
