from datetime import timedelta

from kundsvar.core import batchcache

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
