"""`@anna` in an internal note: the colleague it names, by username or by first name when
only one agent of the shop has it (an ambiguous first name names nobody)."""

import re

from kundsvar.accounts.models import Agent

# After a space or at the start (not inside an email address), letters with å, ä, ö.
MENTION = re.compile(r"(?<![\w@.])@([^\W_][\w.-]*)")


def tokens(text: str) -> set[str]:
    return {m.group(1).rstrip(".-").lower() for m in MENTION.finditer(text)}


def mentioned(text: str, shop_id: int) -> list[Agent]:
    """The active agents of the shop that `text` mentions."""
    wanted = tokens(text)
    if not wanted:
        return []
    agents = list(Agent.objects.filter(memberships__shop_id=shop_id, is_active=True).distinct())
    found: dict[int, Agent] = {}
    for token in wanted:
        by_username = [a for a in agents if a.username.lower() == token]
        by_first = [a for a in agents if a.first_name.lower() == token]
        match = by_username or (by_first if len(by_first) == 1 else [])
        for agent in match:
            found[agent.pk] = agent
    return sorted(found.values(), key=lambda a: a.pk)
