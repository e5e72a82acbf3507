"""Backtest of the staffing page's volume forecast (rules S5, T1) on a synthetic history.

Two years of hourly questions by email, form and chat (1 January 2025 – 31 December
2026) with a known shape: a weekday-hour pattern, 15 % growth a year, and seasons —
Black Friday at 4×, a December run-up from 1.1× to 1.9× by the 20th, Christmas Eve and
Day almost quiet, the mellandagsrea at about 2× from the 26th — with Poisson noise.
The forecast (`kundsvar.insights.forecast`, the same code as the page) is made on
1 December 2026 for every day of December from the 8 weeks before and last year's
December; Black Friday 2026 is forecast on its morning. Prints the mean absolute
percentage error of the daily totals: `december_mape` (target ≤ 0.15).

    python bench/forecast.py [--quick] [--seed 3]

--quick uses a smaller shop (fewer questions a day: more noise). No database is needed:
the history is counts in memory, as `forecast.hourly_counts` gives them. Figures go to
stderr; the last line is one line of JSON.
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

HOURS = [0.2] * 7 + [1, 1.5] + [3] * 8 + [2] * 5 + [0.8, 0.5]  # relative, by local hour
WEEKDAY = [1.3, 1.1, 1.0, 1.0, 0.9, 0.6, 0.7]
CHANNELS = {"email": 0.6, "form": 0.2, "chat": 0.2}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def true_season(day: date, black_friday) -> float:
    if day == black_friday(day.year):
        return 4.0
    if day.month == 12:
        if day.day <= 20:
            return 1.1 + 0.8 * (day.day - 1) / 19
        return {21: 1.7, 22: 1.6, 23: 1.3, 24: 0.4, 25: 0.3, 26: 2.4}.get(day.day, 1.9)
    if day.month == 1 and day.day <= 6:
        return 0.6 if day.day == 1 else 1.5
    return 1.0


def history(rng: random.Random, per_day: float, black_friday) -> dict:
    counts = {}
    start, end = date(2025, 1, 1), date(2026, 12, 31)
    scale = per_day / sum(HOURS)
    day = start
    while day <= end:
        growth = 1 + 0.15 * (day - start).days / 365
        level = scale * WEEKDAY[day.weekday()] * growth * true_season(day, black_friday)
        for hour, shape in enumerate(HOURS):
            for channel, share in CHANNELS.items():
                counts[(day, hour, channel)] = _poisson(rng, level * shape * share)
        day += timedelta(days=1)
    return counts


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller shop: 80 a day")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundsvar.settings")
    import django

    django.setup()  # the models are imported, never queried
    from kundsvar.insights.forecast import Factors, black_friday, forecast

    per_day = 80 if args.quick else 250
    rng = random.Random(args.seed)
    counts = history(rng, per_day, black_friday)
    december = [date(2026, 12, d) for d in range(1, 32)]
    predicted = forecast(counts, december, Factors(), made_on=date(2026, 12, 1))
    errors = []
    for day in december:
        actual = sum(n for (d, _, _), n in counts.items() if d == day)
        expected = sum(n for (d, _, _), n in predicted.items() if d == day)
        errors.append(abs(expected - actual) / actual)
        log(f"{day}  actual {actual:5}  forecast {expected:7.1f}  error {errors[-1]:.3f}")
    bf = black_friday(2026)
    bf_forecast = forecast(counts, [bf], Factors(), made_on=bf)
    bf_actual = sum(n for (d, _, _), n in counts.items() if d == bf)
    bf_expected = sum(bf_forecast.values())
    # Without last year: the shop's own factors alone (the first season on Kundsvar).
    fresh = {k: n for k, n in counts.items() if k[0] >= date(2026, 1, 1)}
    own = forecast(fresh, december, Factors(), made_on=date(2026, 12, 1))
    own_errors = []
    for day in december:
        actual = sum(n for (d, _, _), n in counts.items() if d == day)
        own_errors.append(abs(sum(n for (d, _, _), n in own.items() if d == day) - actual) / actual)
    result = {
        "bench": "forecast",
        "quick": args.quick,
        "questions_per_day": per_day,
        "december_mape": round(statistics.mean(errors), 3),
        "december_worst_day_error": round(max(errors), 3),
        "black_friday_error": round(abs(bf_expected - bf_actual) / bf_actual, 3),
        "december_mape_without_last_year": round(statistics.mean(own_errors), 3),
    }
    log(f"december_mape {result['december_mape']} (target ≤ 0.15)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
