"""How often quote stripping (rule R5) gives the new text the upstream reply parsers expect.

Runs our extractor (kundsvar.channels.email.quotes.split_reply) over the github, zapier,
mail-parser-reply and crisp fixtures in the shared corpora. Each library's expected answer is
mapped to our "new text" in kundsvar/channels/email/tests/reply_corpus.py (whitespace-normalised;
the signature is excluded for github, zapier and mail-parser-reply and not scored for crisp).

A fixture is exact when all its exact expectations hold; `accuracy` = exact / fixtures with an
exact answer. contains/not_contains and literal-regex checks are the secondary score. The
last line printed is one JSON object.

    .venv/bin/python bench/reply_accuracy.py [--quick] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kundsvar.channels.email.quotes import split_reply  # noqa: E402
from kundsvar.channels.email.tests import reply_corpus  # noqa: E402


def run(quick: bool) -> dict:
    checks = reply_corpus.load_checks()
    if quick:  # exact answers only
        checks = [c for c in checks if c.exact]
    parts, seconds = {}, 0.0
    for check in checks:
        key = (check.set, check.fixture)
        if key not in parts:
            started = time.perf_counter()
            parts[key] = split_reply(reply_corpus.read_fixture(*key))
            seconds += time.perf_counter() - started

    exact: dict[tuple[str, str], list[bool]] = defaultdict(list)
    strict: dict[tuple[str, str], list[bool]] = defaultdict(list)
    secondary: dict[str, list[bool]] = defaultdict(list)
    for check in checks:
        key = (check.set, check.fixture)
        ok = reply_corpus.evaluate(check, parts[key])
        if not check.exact:
            secondary[check.set].append(ok)
            continue
        exact[key].append(ok)
        # Strict: the signature never counts as new text, in every set.
        if check.part == "new_text~sig":
            check = replace(check, part="new_text")
        strict[key].append(reply_corpus.evaluate(check, parts[key]))

    sets, misses = {}, []
    for set_name in reply_corpus.SETS:
        keys = [k for k in exact if k[0] == set_name]
        hits = [k for k in keys if all(exact[k])]
        misses += [f"{k[0]}/{k[1]}.txt" for k in keys if k not in hits]
        sec = secondary.get(set_name, [])
        sets[set_name] = {
            "n": len(keys),
            "exact": len(hits),
            "accuracy": round(len(hits) / len(keys), 4) if keys else None,
            "strict_exact": sum(all(strict[k]) for k in keys),
            "signature": reply_corpus.SIGNATURE_POLICY[set_name],
            "secondary_n": len(sec),
            "secondary_passed": sum(sec),
        }
    n = sum(s["n"] for s in sets.values())
    hits = sum(s["exact"] for s in sets.values())
    sec_n = sum(s["secondary_n"] for s in sets.values())
    sec_ok = sum(s["secondary_passed"] for s in sets.values())
    return {
        "n": n,
        "exact": hits,
        "accuracy": round(hits / n, 4) if n else None,
        "strict_accuracy": round(sum(s["strict_exact"] for s in sets.values()) / n, 4),
        "secondary": {
            "n": sec_n,
            "passed": sec_ok,
            "accuracy": round(sec_ok / sec_n, 4) if sec_n else None,
        },
        "sets": sets,
        "misses": sorted(misses),
        "fixtures_parsed": len(parts),
        "parse_seconds": round(seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="exact answers only")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="accepted for a uniform bench CLI; this bench uses no database",
    )
    args = parser.parse_args()
    if not reply_corpus.CORPORA.is_dir():
        sys.exit(f"corpora not found at {reply_corpus.CORPORA.resolve()}")

    result = run(args.quick)
    for name, s in result["sets"].items():
        print(
            f"{name:18} exact {s['exact']:>3}/{s['n']:<3} = {s['accuracy']:.1%}  "
            f"(signature {s['signature']}; strict {s['strict_exact']}/{s['n']})  "
            f"secondary {s['secondary_passed']}/{s['secondary_n']}",
            file=sys.stderr,
        )
    print(
        f"{'overall':18} exact {result['exact']:>3}/{result['n']:<3} = {result['accuracy']:.1%}"
        f"  strict {result['strict_accuracy']:.1%}  secondary "
        f"{result['secondary']['passed']}/{result['secondary']['n']}",
        file=sys.stderr,
    )
    for miss in result["misses"]:
        print(f"miss: {miss}", file=sys.stderr)
    print(
        json.dumps(
            {"bench": "reply_accuracy", "db": args.db, "quick": args.quick, **result},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
