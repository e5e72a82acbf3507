"""Erlang C (M/M/N queue): how many agents answer chat and phone in time (rule S5).

Our own few lines (TRAPS.md: the PyPI packages pull in OR-Tools or call a web service).
Traffic A = arrivals per second × handle time in seconds (Erlangs). Erlang B by its
stable recursion, Erlang C from it, and the service level
SL(t) = 1 − C · exp(−(N − A) · t / AHT).
"""

import math


def erlang_b(agents: int, traffic: float) -> float:
    blocked = 1.0
    for n in range(1, agents + 1):
        blocked = traffic * blocked / (n + traffic * blocked)
    return blocked


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that a contact waits at all (1 when the agents cannot keep up)."""
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, handle_seconds: float, target_seconds: float):
    """The share of contacts answered within `target_seconds`."""
    if agents <= traffic:
        return 0.0
    waits = erlang_c(agents, traffic)
    return 1 - waits * math.exp(-(agents - traffic) * target_seconds / handle_seconds)


def average_speed_of_answer(agents: int, traffic: float, handle_seconds: float) -> float:
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)


def agents_needed(
    per_hour: float, handle_seconds: float, target_seconds: float, share: float
) -> int:
    """The fewest agents who answer `share` of `per_hour` contacts within the target."""
    if per_hour <= 0:
        return 0
    traffic = per_hour * handle_seconds / 3600
    agents = max(1, math.floor(traffic) + 1)
    while service_level(agents, traffic, handle_seconds, target_seconds) < share:
        agents += 1
    return agents
