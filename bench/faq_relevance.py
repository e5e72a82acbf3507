"""How well FAQ suggestions find the right answer (rules C6, K2), on swefaq.

swefaq_dev.jsonl holds Swedish questions from public authorities' FAQs, each with the
candidate answers of its category and the index of the right one. Every category
becomes a shop whose published articles are its candidate answers (answer text as the
body, no title); every question is then ranked through the product's own code:

- lexical: `kundsvar.knowledge.queries.rank` (stop words dropped, Snowball stems, any
  word, BM25 on SQLite / ts_rank on PostgreSQL) — what `suggest` returns, all of it;
- semantic: cosine of e5 query and passage vectors (`knowledge.semantic.cosines`) over
  all the category's answers, no lexical step;
- hybrid: `queries.rank` with KNOWLEDGE_SEMANTIC on — the lexical candidates re-ranked
  by reciprocal-rank fusion with the cosine order.

An answer the lexical step does not retrieve at all counts as a miss (reciprocal rank
0) for lexical and hybrid: the product never shows it. `lexical_recall` says how often
that happens.

    .venv/bin/python bench/faq_relevance.py [--quick] [--db sqlite|postgres]

--quick: the first 30 questions. Figures go to stderr; the last line is one line of JSON.
"""

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

# bench/ holds a queue.py: keep the folder off the path so the standard library's
# `queue` is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench._throwaway import throwaway  # noqa: E402
from kundsvar.core.corpora import CORPORA  # noqa: E402

CORPUS = CORPORA / "swefaq" / "swefaq_dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first 30 questions")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--corpus", default=str(CORPUS))
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.corpus).read_text().splitlines() if line]
    if args.quick:
        rows = rows[:30]
    with throwaway(args.db):
        print(json.dumps(run(rows, args)), flush=True)


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def setup_django() -> None:
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


class Score:
    def __init__(self):
        self.hits, self.reciprocal, self.n = 0, 0.0, 0

    def add(self, rank: int | None) -> None:
        """`rank` is 1-based, None when the right answer was not returned."""
        self.n += 1
        if rank is not None:
            self.hits += rank == 1
            self.reciprocal += 1 / rank

    def figures(self) -> tuple[float, float]:
        return round(self.hits / self.n, 4), round(self.reciprocal / self.n, 4)


def _rank_of(ordered_ids: list[int], wanted: int) -> int | None:
    return ordered_ids.index(wanted) + 1 if wanted in ordered_ids else None


def run(rows: list[dict], args) -> dict:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from kundsvar.knowledge import queries, semantic, services
    from kundsvar.shops.models import Shop

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    categories: dict[int, tuple] = {}
    by_category = defaultdict(list)
    for row in rows:
        by_category[row["category_id"]].append(row)
    for category_id, members in by_category.items():
        shop = Shop.objects.create(
            name=f"FAQ {category_id}",
            slug=f"faq-{category_id}",
            email=f"kundtjanst@faq{category_id}.example",
        )
        articles = [
            services.create_article(shop, title="", body=answer, language="sv", slug=f"svar-{i}")
            for i, answer in enumerate(members[0]["candidate_answers"])
        ]
        categories[category_id] = (shop, articles)
    say(
        f"{len(rows)} questions, {len(categories)} categories, "
        f"{sum(len(a) for _s, a in categories.values())} answers indexed in "
        f"{time.perf_counter() - started:.1f} s"
    )

    lexical, semantic_score, hybrid = Score(), Score(), Score()
    retrieved = 0
    timings = {"lexical": [], "semantic": [], "hybrid": []}
    for row in rows:
        shop, articles = categories[row["category_id"]]
        wanted = articles[row["label"]].pk
        size = len(articles)

        settings.KNOWLEDGE_SEMANTIC = False
        t = time.perf_counter()
        ids = [hit.article.pk for hit in queries.rank(shop, row["question"], "sv", size)]
        timings["lexical"].append(time.perf_counter() - t)
        lexical.add(_rank_of(ids, wanted))
        retrieved += wanted in ids

        t = time.perf_counter()
        similarities = semantic.cosines(row["question"], articles)
        timings["semantic"].append(time.perf_counter() - t)
        order = sorted(range(size), key=lambda i: -similarities[i])
        semantic_score.add(_rank_of([articles[i].pk for i in order], wanted))

        settings.KNOWLEDGE_SEMANTIC = True
        t = time.perf_counter()
        ids = [hit.article.pk for hit in queries.rank(shop, row["question"], "sv", size)]
        timings["hybrid"].append(time.perf_counter() - t)
        hybrid.add(_rank_of(ids, wanted))
    settings.KNOWLEDGE_SEMANTIC = False

    result = {
        "bench": "faq_relevance",
        "db": args.db,
        "questions": len(rows),
        "categories": len(categories),
        "lexical_recall": round(retrieved / len(rows), 4),
    }
    for name, score in [("lexical", lexical), ("semantic", semantic_score), ("hybrid", hybrid)]:
        acc, mrr = score.figures()
        result[f"{name}_acc_at_1"] = acc
        result[f"{name}_mrr"] = mrr
        samples = sorted(timings[name])
        result[f"{name}_median_ms"] = round(samples[len(samples) // 2] * 1000, 1)
    say(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
