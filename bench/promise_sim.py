"""A shop's week on the real promise engine: is the promise kept, and is it honest? (A4)

Simulates Monday 23 – Sunday 29 November 2026 (Black Friday on the 27th at 4× volume,
a Monday-morning peak at 2×) after a warm-up week at normal volume, so the engine has
a week of answers to measure its rate from. Poisson arrivals per hour by email, form
and chat; written agents (email + form) and chat agents on weekly shifts with dated
exceptions for Black Friday (3–8 on shift at a time); log-normal handling times; each
free agent on shift takes the head of their queue in the real queue order (due time).
Cases open through `cases.services.open_case` and are answered through
`cases.services.reply`, with time frozen and stepped by time_machine; arrivals of the
same minute open inside one `core.batchcache` batch, as the mail worker does.

For each case of the test week it keeps the promise made (forecast: `case.due_at`),
what the plain policy would have promised (`sla.deadline_for`, no stretch) and when
the answer went out, and prints, side by side for the week and the peak day:

* promise_kept: share answered by the promised time (target ≥ 0.95);
* promise_ratio_median: median of promised wait ÷ actual wait (target ≤ 1.5: a promise
  kept by padding is not honest).

    python bench/promise_sim.py [--quick] [--db sqlite|postgres] [--seed 7]

--quick simulates Thursday–Saturday (Black Friday in the middle) after two days of
warm-up. Figures go to stderr; the last line is one line of JSON.
"""

import argparse
import heapq
import json
import math
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

# bench/queue.py would shadow the standard library's `queue`: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway  # noqa: E402

STHLM = ZoneInfo("Europe/Stockholm")
WEEK = date(2026, 11, 23)  # a Monday
BLACK_FRIDAY = date(2026, 11, 27)
# Written questions (email + form) an hour, by local hour, on an ordinary weekday.
WRITTEN_PER_HOUR = [1.0] * 7 + [8, 8] + [20] * 8 + [12] * 5 + [4, 4]
CHAT_PER_HOUR = 4.0  # while the chat is open
WRITTEN_MINUTES, CHAT_MINUTES = 8.0, 5.0  # mean handling time
SIGMA = 0.6  # log-normal spread of handling times
# The shop's policy: answers within 1 working hour by email and form, 10 minutes in chat;
# open 08–21 every day.
POLICY_MINUTES = {"": 60, "chat": 10}
OPEN_HOURS = (8, 21)

# name → (channels, {weekday: (from, to)}); exceptions: (name, date) → (from, to) or None.
WEEKDAYS = range(5)
WEEKEND = (5, 6)
SHIFTS = {
    "anna": ("written", {d: (7, 15) for d in WEEKDAYS}),
    "bo": ("written", {d: (8, 16) for d in WEEKDAYS}),
    "cecilia": ("written", {d: (9, 17) for d in WEEKDAYS}),
    "david": ("written", {d: (11, 19) for d in WEEKDAYS}),
    "eva": ("written", {d: (13, 21) for d in WEEKDAYS}),
    "fredrik": ("written", {d: (9, 17) for d in WEEKEND}),
    "greta": ("written", {d: (9, 17) for d in WEEKEND}),
    "hugo": ("written", {d: (10, 18) for d in WEEKEND}),
    "hampus": ("chat", {d: (9, 17) for d in WEEKDAYS}),
    "ida": ("chat", {d: (10, 16) for d in WEEKEND}),
}
# Black Friday: the weekend team comes in too (8 on shift at the busiest hours).
EXCEPTIONS = {
    ("fredrik", BLACK_FRIDAY): (8, 20),
    ("greta", BLACK_FRIDAY): (12, 21),
    ("ida", BLACK_FRIDAY): (9, 17),
}
GROUPS = {"written": ["email", "form"], "chat": ["chat"]}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def volume(day: date, hour: int) -> float:
    factor = 0.7 if day.weekday() >= 5 else 1.0
    if day.weekday() == 0 and 8 <= hour < 12:
        factor *= 2  # Monday morning: the weekend's questions
    if day == BLACK_FRIDAY:
        factor *= 4
    return factor


def chat_open(day: date, hour: int) -> bool:
    return (9 <= hour < 17) if day.weekday() < 5 else (10 <= hour < 16)


def arrivals(rng: random.Random, first: date, days: int) -> list[tuple[datetime, str]]:
    """Poisson arrivals, hour by hour, in local time."""
    found = []
    for n in range(days):
        day = first + timedelta(days=n)
        for hour in range(24):
            start = datetime.combine(day, clock(hour), tzinfo=STHLM)
            rates = {"email": 0.75 * WRITTEN_PER_HOUR[hour], "form": 0.25 * WRITTEN_PER_HOUR[hour]}
            if chat_open(day, hour):
                rates["chat"] = CHAT_PER_HOUR
            for channel, rate in rates.items():
                for _ in range(_poisson(rng, rate * volume(day, hour))):
                    found.append((start + timedelta(seconds=rng.uniform(0, 3600)), channel))
    return sorted(found)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def handling(rng: random.Random, group: str) -> timedelta:
    mean = WRITTEN_MINUTES if group == "written" else CHAT_MINUTES
    mu = math.log(mean) - SIGMA**2 / 2
    return timedelta(minutes=rng.lognormvariate(mu, SIGMA))


def on_shift(name: str, moment: datetime) -> bool:
    local = moment.astimezone(STHLM)
    hours = EXCEPTIONS.get((name, local.date()), SHIFTS[name][1].get(local.weekday()))
    return hours is not None and hours[0] <= local.hour < hours[1]


def setup(shop_model, agent_model, opening_model, staffing, sla):
    shop = shop_model.objects.create(
        name="Simbutiken",
        slug="simbutiken",
        email="kundservice@sim.example",
        country="SE",
        time_zone="Europe/Stockholm",
    )
    opening_model.objects.bulk_create(
        opening_model(shop=shop, weekday=d, opens=clock(OPEN_HOURS[0]), closes=clock(OPEN_HOURS[1]))
        for d in range(7)
    )
    for channel, minutes in POLICY_MINUTES.items():
        sla.save_policy(
            shop, channel=channel, first_response_minutes=minutes, follow_up_minutes=minutes
        )
    agents = {}
    for name, (group, week) in SHIFTS.items():
        agent = agent_model.objects.create_user(username=name, password="x")
        agents[name] = agent
        for weekday, (start, end) in week.items():
            staffing.add_shift(
                shop, agent, weekday, clock(start), clock(end), channels=GROUPS[group]
            )
    for (name, day), hours in EXCEPTIONS.items():
        start, end = (clock(hours[0]), clock(hours[1])) if hours else (None, None)
        staffing.set_exception(shop, agents[name], day, start, end, note="Black Friday")
    return shop, agents


def run(args) -> dict:
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command

    from kundsvar.accounts.models import Agent
    from kundsvar.cases import services as cases
    from kundsvar.cases.services import Inbound
    from kundsvar.core import batchcache
    from kundsvar.shops.models import OpeningHours, Shop
    from kundsvar.sla import forecast
    from kundsvar.sla import services as sla
    from kundsvar.staffing import services as staffing

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(args.seed)
    if args.quick:
        warm_from, test_from, test_days = date(2026, 11, 24), date(2026, 11, 26), 3
    else:
        warm_from, test_from, test_days = WEEK - timedelta(days=7), WEEK, 7
    warm_days = (test_from - warm_from).days
    stream = arrivals(rng, warm_from, warm_days + test_days)
    test_start = datetime.combine(test_from, clock(0), tzinfo=STHLM)
    test_end = test_start + timedelta(days=test_days)
    log(f"promise_sim: {len(stream)} arrivals from {warm_from}, measured {test_from}+{test_days}d")

    start = datetime.combine(warm_from, clock(0), tzinfo=STHLM)
    with time_machine.travel(start, tick=False) as traveller:
        shop, agents = setup(Shop, Agent, OpeningHours, staffing, sla)
        queues: dict[str, list] = {"written": [], "chat": []}
        busy: dict[str, datetime] = dict.fromkeys(agents, start)
        done: list[tuple[datetime, int, str, object]] = []  # heap of (at, seq, agent, case)
        records: dict[int, dict] = {}
        seq = 0
        now = start
        pending = list(reversed(stream))
        began = time.perf_counter()
        while pending or done or any(queues.values()):
            # The next moment something happens: an arrival, an answer, or the next minute
            # (an agent's shift may start).
            candidates = [now + timedelta(minutes=1)]
            if pending:
                candidates.append(pending[-1][0])
            if done:
                candidates.append(done[0][0])
            now = max(now, min(candidates))
            traveller.move_to(now)
            while done and done[0][0] <= now:
                at, _, name, case = heapq.heappop(done)
                cases.reply(case, agents[name], "Tack för din fråga! Här är svaret.", now=at)
                if case.pk in records:
                    records[case.pk]["answered"] = at
            with batchcache.batch():
                while pending and pending[-1][0] <= now:
                    at, channel = pending.pop()
                    seq += 1
                    case = cases.open_case(
                        shop,
                        channel,
                        Inbound(
                            from_address=f"kund{seq}@example.se",
                            from_name=f"Kund {seq}",
                            subject=f"Fråga {seq}",
                            body_text=f"Hej! Var är min beställning {seq}?",
                            received_at=at,
                            language="sv",
                        ),
                    )
                    group = "chat" if channel == "chat" else "written"
                    heapq.heappush(queues[group], (case.due_at, case.pk, case))
                    if at >= test_start and not records:
                        log(
                            "measured answers per agent-hour: written",
                            round(forecast.rate(shop, forecast.WRITTEN, at), 2),
                            "chat",
                            round(forecast.rate(shop, frozenset({"chat"}), at), 2),
                        )
                    if test_start <= at < test_end:
                        policy = sla.deadline_for(case, at, follow_up=False).due_at
                        records[case.pk] = {
                            "at": at,
                            "due": case.due_at,
                            "policy": policy,
                            "peak": at.astimezone(STHLM).date() == BLACK_FRIDAY,
                        }
            for name, (group, _) in SHIFTS.items():
                if busy[name] <= now and queues[group] and on_shift(name, now):
                    _, _, case = heapq.heappop(queues[group])
                    busy[name] = now + handling(rng, group)
                    seq += 1
                    heapq.heappush(done, (busy[name], seq, name, case))
            if not pending and now > test_end + timedelta(days=14):
                break  # never: every queue drains on Monday at the latest
    seconds = time.perf_counter() - began
    return summary(records, seconds, args)


def figures(rows: list[dict], key: str) -> dict:
    answered = [r for r in rows if "answered" in r]
    kept = [r["answered"] <= r[key] for r in answered]
    ratios = [
        (r[key] - r["at"]) / max(r["answered"] - r["at"], timedelta(minutes=1)) for r in answered
    ]
    return {
        "promise_kept": round(sum(kept) / len(kept), 3) if kept else None,
        "promise_ratio_median": round(statistics.median(ratios), 2) if ratios else None,
        "wait_p90_h": round(
            statistics.quantiles(
                [(r["answered"] - r["at"]).total_seconds() / 3600 for r in answered], n=10
            )[-1],
            1,
        )
        if len(answered) > 10
        else None,
    }


def summary(records: dict, seconds: float, args) -> dict:
    rows = list(records.values())
    peak = [r for r in rows if r["peak"]]
    result = {
        "bench": "promise_sim",
        "db": args.db,
        "quick": args.quick,
        "cases": len(rows),
        "peak_cases": len(peak),
        "unanswered": sum("answered" not in r for r in rows),
        "forecast": {"week": figures(rows, "due"), "peak_day": figures(peak, "due")},
        "policy": {"week": figures(rows, "policy"), "peak_day": figures(peak, "policy")},
        "seconds": round(seconds, 1),
    }
    f, p = result["forecast"], result["policy"]
    log(f"{'':10} {'forecast kept':>14} {'ratio':>6}   {'policy kept':>12} {'ratio':>6}")
    for span in ("week", "peak_day"):
        log(
            f"{span:10} {f[span]['promise_kept']!s:>14} {f[span]['promise_ratio_median']!s:>6}"
            f"   {p[span]['promise_kept']!s:>12} {p[span]['promise_ratio_median']!s:>6}"
        )
    # The headline keys: the forecast's figures for the week and for the peak day.
    result["promise_kept"] = f["week"]["promise_kept"]
    result["promise_ratio_median"] = f["week"]["promise_ratio_median"]
    result["peak_promise_kept"] = f["peak_day"]["promise_kept"]
    result["peak_promise_ratio_median"] = f["peak_day"]["promise_ratio_median"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Thu–Sat after two days' warm-up")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with throwaway(args.db):
        result = run(args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
