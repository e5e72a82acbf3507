"""Routing on versus one shared queue, on the promise simulator's week (T2, S2).

The week, the arrivals, the shifts (written agents; Black Friday exceptions), the
handling times and the shop's policy are bench/promise_sim.py's; this adds what routing
is about: every question has a language (sv 68 %, nb 14 %, da 10 %, en 8 %) and a topic
(the nine default topics, `topics.seed_defaults`), and every agent speaks some of the
languages and, for two of them, handles some topics only. An agent who takes a question
outside their languages or skills needs longer for it (×1.5 for a language they do not
write — Scandinavians read each other, but answering well takes checking — and ×1.3 for
a topic they do not handle: asking a colleague).

Both arms open cases through `cases.services.open_case` (the real promise, with the
forecast) and answer through `cases.services.reply`; a free agent on shift takes the
next case with `routing.services.next_case` (the "Next case" button). The arms differ
only in whether the agents have routing profiles:

* shared: no profiles, so "next" is the head of the one shared queue (by promise);
* routing: each agent's languages and skills, so "next" is the most urgent case they
  are qualified for.

Figures per arm: promise_kept (answered by the promise given), wait median and p90 in
minutes, mismatched (share handled outside the agent's languages or skills) and the
agents' load spread (coefficient of variation of cases answered per hour on shift).

    python bench/routing.py [--quick] [--db sqlite|postgres] [--seed 7]

--quick simulates Black Friday after one day of warm-up. Figures go to stderr; the last
line is one line of JSON. Chat is left out: chat agents have their own queue in both arms.
"""

import argparse
import heapq
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench import promise_sim as sim  # noqa: E402
from bench._throwaway import throwaway  # noqa: E402

LANGUAGES = {"sv": 0.68, "nb": 0.14, "da": 0.10, "en": 0.08}
TOPICS = {
    "order_status": 0.30,
    "delivery_time": 0.10,
    "return": 0.15,
    "refund": 0.10,
    "faulty_item": 0.10,
    "change_cancel": 0.08,
    "payment": 0.07,
    "product_question": 0.05,
    "other": 0.05,
}
# Every language is covered whenever the shop is open; two specialists.
SKILLS = {
    "anna": (["sv", "en"], []),
    "bo": (["sv", "nb", "da"], ["return", "refund", "faulty_item"]),
    "cecilia": (["sv", "da", "en"], []),
    "david": (["sv", "nb", "en"], []),
    "eva": (["sv", "da", "nb"], ["payment", "refund", "order_status", "delivery_time"]),
    "fredrik": (["sv", "nb"], []),
    "greta": (["sv", "en", "da"], []),
    "hugo": (["sv", "nb", "da", "en"], []),
}
LANGUAGE_PENALTY, TOPIC_PENALTY = 1.5, 1.3
WRITTEN = [name for name, (group, _) in sim.SHIFTS.items() if group == "written"]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def setup(slug: str, routed: bool):
    from kundsvar.accounts.models import Agent, Membership
    from kundsvar.routing import services as routing
    from kundsvar.shops.models import OpeningHours, Shop
    from kundsvar.sla import services as sla
    from kundsvar.staffing import services as staffing
    from kundsvar.topics import services as topics

    shop = Shop.objects.create(
        name=slug, slug=slug, email=f"kundservice@{slug}.example", time_zone="Europe/Stockholm"
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(shop=shop, weekday=d, opens=clock(sim.OPEN_HOURS[0]), closes=clock(21))
        for d in range(7)
    )
    for channel, minutes in sim.POLICY_MINUTES.items():
        sla.save_policy(
            shop, channel=channel, first_response_minutes=minutes, follow_up_minutes=minutes
        )
    topics.seed_defaults(shop)
    by_slug = {t.slug: t for t in shop.topics.all()}
    agents, skills = {}, {}
    for name in WRITTEN:
        agent = Agent.objects.create_user(username=f"{slug}-{name}", password="x")
        Membership.objects.create(agent=agent, shop=shop)
        agents[name] = agent
        for weekday, (start, end) in sim.SHIFTS[name][1].items():
            staffing.add_shift(
                shop, agent, weekday, clock(start), clock(end), channels=["email", "form"]
            )
        languages, handles = SKILLS[name]
        profile_topics = [by_slug[s].pk for s in handles]
        skills[name] = routing.AgentProfile(
            shop=shop, agent=agent, topics=profile_topics, languages=languages
        )
        if routed:
            routing.save_profile(shop, agent, topics=profile_topics, languages=languages)
    for (name, day), hours in sim.EXCEPTIONS.items():
        if name in agents:
            staffing.set_exception(shop, agents[name], day, clock(hours[0]), clock(hours[1]))
    return shop, agents, skills, by_slug


def simulate(arm: str, stream, test_start, test_end, seed: int) -> dict:
    import time_machine

    from kundsvar.cases import services as cases
    from kundsvar.cases.services import Inbound
    from kundsvar.core import batchcache
    from kundsvar.routing import queries
    from kundsvar.routing import services as routing

    rng = random.Random(seed)
    start = stream[0][0].replace(hour=0, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        shop, agents, skills, topics = setup(f"sim-{arm}", routed=arm == "routing")
        busy = dict.fromkeys(agents, start)
        done: list = []
        records: dict[int, dict] = {}
        handled = dict.fromkeys(agents, 0)
        mismatched = 0
        waiting = 0  # cases opened and not yet taken
        arrived = 0  # a count of arrivals: an agent who found nothing asks again after one
        found_nothing: dict[str, int] = {}
        pending = list(reversed(stream))
        seq, now = 0, start
        while pending or done or waiting:
            moments = [now + timedelta(minutes=1)]
            if pending:
                moments.append(pending[-1][0])
            if done:
                moments.append(done[0][0])
            now = max(now, min(moments))
            traveller.move_to(now)
            while done and done[0][0] <= now:
                at, _, name, case = heapq.heappop(done)
                cases.reply(case, agents[name], "Tack för din fråga! Här är svaret.", now=at)
                if case.pk in records:
                    records[case.pk]["answered"] = at
            with batchcache.batch():
                while pending and pending[-1][0] <= now:
                    at, channel, language, topic = pending.pop()
                    seq += 1
                    case = cases.open_case(
                        shop,
                        channel,
                        Inbound(
                            from_address=f"kund{seq}@example.se",
                            subject=f"Fråga {seq}",
                            body_text=f"Fråga {seq}",
                            received_at=at,
                            language=language,
                            topic_id=topics[topic].pk,
                        ),
                    )
                    waiting += 1
                    arrived += 1
                    if test_start <= at < test_end:
                        records[case.pk] = {"at": at, "due": case.due_at}
            for name in WRITTEN:
                if not waiting or busy[name] > now or not sim.on_shift(name, now):
                    continue
                if found_nothing.get(name) == arrived:
                    continue
                case = routing.next_case(agents[name], now)
                if case is None:
                    found_nothing[name] = arrived
                    continue
                waiting -= 1
                took = sim.handling(rng, "written")
                if case.language not in skills[name].languages:
                    took *= LANGUAGE_PENALTY
                elif not queries.qualified(skills[name], case):
                    took *= TOPIC_PENALTY
                if not queries.qualified(skills[name], case):
                    mismatched += case.pk in records
                if case.pk in records:
                    handled[name] += 1
                busy[name] = now + took
                seq += 1
                heapq.heappush(done, (busy[name], seq, name, case))
            if not pending and now > test_end + timedelta(days=14):
                break
    return _figures(records, handled, mismatched, test_start, test_end)


def _shift_hours(name: str, start: datetime, end: datetime) -> float:
    hours, moment = 0, start
    while moment < end:
        hours += sim.on_shift(name, moment)
        moment += timedelta(hours=1)
    return hours


def _figures(records, handled, mismatched, test_start, test_end) -> dict:
    answered = [r for r in records.values() if "answered" in r]
    waits = [(r["answered"] - r["at"]).total_seconds() / 60 for r in answered]
    rates = [
        handled[name] / hours
        for name in handled
        if (hours := _shift_hours(name, test_start, test_end)) > 0
    ]
    return {
        "cases": len(records),
        "promise_kept": round(sum(r["answered"] <= r["due"] for r in answered) / len(answered), 3),
        "wait_median_min": round(statistics.median(waits), 1),
        "wait_p90_min": round(statistics.quantiles(waits, n=10)[-1], 1),
        "mismatched": round(mismatched / len(answered), 3),
        "load_cv": round(statistics.pstdev(rates) / statistics.fmean(rates), 3),
        "per_agent_hour": [round(r, 2) for r in rates],
    }


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(args.seed)
    if args.quick:
        warm_from, test_from, days = date(2026, 11, 26), sim.BLACK_FRIDAY, 1
    else:
        warm_from, test_from, days = sim.WEEK - timedelta(days=7), sim.WEEK, 7
    stream = [
        (at, channel, _pick(rng, LANGUAGES), _pick(rng, TOPICS))
        for at, channel in sim.arrivals(rng, warm_from, (test_from - warm_from).days + days)
        if channel != "chat"
    ]
    test_start = datetime.combine(test_from, clock(0), tzinfo=sim.STHLM)
    test_end = test_start + timedelta(days=days)
    sim.log(
        f"routing: {len(stream)} written questions from {warm_from}, measured {test_from}+{days}d"
    )
    result: dict = {"bench": "routing", "db": args.db, "quick": args.quick}
    began = time.perf_counter()
    for arm in ("shared", "routing"):
        result[arm] = simulate(arm, stream, test_start, test_end, args.seed)
        figures = {k: v for k, v in result[arm].items() if k != "per_agent_hour"}
        sim.log(arm, figures)
    result["seconds"] = round(time.perf_counter() - began, 1)
    for key in ("promise_kept", "wait_median_min", "mismatched", "load_cv"):
        result[key] = {arm: result[arm][key] for arm in ("shared", "routing")}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Black Friday after a day's warm-up")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with throwaway(args.db):
        result = run(args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
