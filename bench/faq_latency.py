"""How fast a FAQ suggestion comes back (rule C6: suggestions while the customer types)
when one shop has 10,000 articles.

Fills a throwaway database with articles (Swedish, a tenth English; nine in ten
published) in one shop plus a second shop, builds the search index with
`kundsvar.knowledge.search.rebuild`, then times `kundsvar.knowledge.queries.suggest`
for realistic, chatty customer questions (REQUESTS calls: median, p95), lexical only
(the default) and, on fewer calls, with semantic re-ranking switched on.

    .venv/bin/python bench/faq_latency.py [--quick] [--n 10000] [--db sqlite|postgres]

--quick is 1,000 articles. Figures go to stderr; the last line is one line of JSON.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

# bench/ holds a queue.py: keep the folder off the path so the standard library's
# `queue` is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench._throwaway import throwaway  # noqa: E402

REQUESTS = 300
SEMANTIC_REQUESTS = 30
GOAL_P95_MS = 20
CHUNK = 1_000

TOPICS = [
    (
        "Leveranstid för {p}",
        "Vi skickar {p} inom {d} arbetsdagar. Beställningar före kl. 14 "
        "skickas samma dag. Leveransen till ombud tar {d}–{e} dagar.",
    ),
    (
        "Returnera {p}",
        "Du kan returnera {p} inom 30 dagar. Anmäl returen under Mina ordrar "
        "och lämna paketet hos ombudet. Returfrakten kostar 59 kr.",
    ),
    (
        "Byta storlek på {p}",
        "Byte av storlek på {p} är gratis. Välj ny storlek i "
        "returformuläret så skickar vi den nya direkt.",
    ),
    (
        "Skötselråd för {p}",
        "Tvätta {p} i {t} grader, ut och in, och torka plant. Använd inte sköljmedel.",
    ),
    (
        "Reklamera {p}",
        "Om {p} går sönder inom tre år kan du reklamera. Skicka en bild på felet "
        "och ordernumret så ersätter vi varan.",
    ),
    (
        "Storleksguide för {p}",
        "Mät bröstvidd och midja och jämför med måttabellen för {p}. "
        "Mellan två storlekar? Välj den större.",
    ),
    (
        "Betala {p} med Klarna",
        "Du kan betala {p} med Klarna faktura inom 30 dagar, med kort eller Swish.",
    ),
    (
        "Spåra paketet med {p}",
        "När {p} skickas får du ett kollinummer. Följ paketet hos fraktbolaget.",
    ),
]
PRODUCTS = [
    "jacka",
    "regnjacka",
    "tröja",
    "stickad tröja",
    "byxor",
    "jeans",
    "klänning",
    "kjol",
    "skjorta",
    "t-shirt",
    "mössa",
    "halsduk",
    "vantar",
    "strumpor",
    "kängor",
    "sneakers",
    "kavaj",
    "kofta",
    "väska",
    "ryggsäck",
    "underkläder",
    "badkläder",
    "pyjamas",
    "träningsbyxor",
    "linne",
    "väst",
    "parkas",
    "dunjacka",
    "skaljacka",
    "fleece",
    "shorts",
    "blus",
    "kostym",
    "slips",
    "bälte",
    "handskar",
    "keps",
    "sandaler",
    "stövlar",
    "morgonrock",
]
ENGLISH = (
    "Returning your {p}",
    "You can return your {p} within 30 days. Register the "
    "return under My orders and drop the parcel at a pick-up point.",
)
QUESTIONS = [
    "Hej! Jag beställde en jacka förra veckan men den har inte kommit, hur lång är leveranstiden?",
    "Hur gör jag för att returnera byxorna? De var för stora. Mvh Erik",
    "Kan jag byta tröjan mot en större storlek?",
    "Min dunjacka har gått sönder i sömmen efter två veckor, kan jag reklamera den?",
    "Går det att betala med Klarna?",
    "Hej, var är mitt paket? Jag har inte fått något kollinummer.",
    "Vilken storlek ska jag ta i jeans, jag brukar ha 32?",
    "Hur tvättar man en stickad tröja utan att den krymper?",
    "Hi, how do I return a jacket I bought last week?",
    "Jag vill skicka tillbaka kängorna och få pengarna tillbaka, hur gör jag?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles")
    parser.add_argument("--n", type=int, default=10_000, help="articles in the shop")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-semantic", action="store_true", help="skip the hybrid timing")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    n = 1_000 if args.quick else args.n
    with throwaway(args.db):
        print(json.dumps(run(n, args)), flush=True)


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def setup_django() -> None:
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def figures(samples: list[float]) -> dict:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(samples[-1], 2),
        "calls": len(samples),
    }


def fill(n: int, rng: random.Random):
    from django.db import transaction

    from kundsvar.knowledge.markup import render
    from kundsvar.knowledge.models import Article, Status
    from kundsvar.shops.models import Shop

    shop = Shop.objects.create(
        name="Nordljus",
        slug="nordljus",
        email="kundtjanst@nordljus.example",
        languages=["sv", "en"],
    )
    other = Shop.objects.create(
        name="Fjellpost", slug="fjellpost", language="nb", email="kundtjanst@fjellpost.example"
    )
    for start in range(0, n, CHUNK):
        rows = []
        for i in range(start, min(n, start + CHUNK)):
            product = PRODUCTS[i % len(PRODUCTS)]
            variant = i // (len(PRODUCTS) * len(TOPICS))
            if i % 10 == 9:
                title, body, language = *ENGLISH, "en"
            else:
                title, body = TOPICS[(i // len(PRODUCTS)) % len(TOPICS)]
                language = "sv"
            slots = {
                "p": product,
                "d": rng.randint(1, 4),
                "e": rng.randint(5, 8),
                "t": rng.choice([30, 40, 60]),
            }
            title = title.format(**slots) + (f" ({variant})" if variant else "")
            body = body.format(**slots)
            rows.append(
                Article(
                    shop=shop if i % 20 else other,
                    title=title,
                    body=body,
                    body_html=render(body),
                    language=language,
                    slug=f"artikel-{i}",
                    status=Status.DRAFT if i % 10 == 4 else Status.PUBLISHED,
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(rows)
    return shop


def run(n: int, args) -> dict:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kundsvar.knowledge import queries, search

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    shop = fill(n, random.Random(args.seed))
    fill_s = time.perf_counter() - started
    started = time.perf_counter()
    indexed = search.rebuild()
    index_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"{n} articles filled in {fill_s:.1f} s, {indexed} indexed in {index_s:.1f} s")

    def timed(count: int) -> tuple[list[float], list[int]]:
        samples, found = [], []
        for i in range(count):
            question = QUESTIONS[i % len(QUESTIONS)]
            language = "en" if question.startswith("Hi") else "sv"
            t = time.perf_counter()
            result = queries.suggest(shop, question, language, limit=5)
            samples.append((time.perf_counter() - t) * 1000)
            found.append(len(result))
        return samples, found

    settings.KNOWLEDGE_SEMANTIC = False
    timed(len(QUESTIONS))  # warm: stemmer caches, statement caches
    samples, found = timed(REQUESTS)
    lexical = figures(samples)
    say(f"lexical: {lexical}")
    result = {
        "bench": "faq_latency",
        "db": args.db,
        "articles": n,
        "fill_s": round(fill_s, 1),
        "index_s": round(index_s, 1),
        "p95_ms": lexical["p95_ms"],
        "median_ms": lexical["median_ms"],
        "max_ms": lexical["max_ms"],
        "calls": lexical["calls"],
        "suggestions_per_question": round(sum(found) / len(found), 2),
        "goal_p95_ms": GOAL_P95_MS,
        "goal_met": lexical["p95_ms"] < GOAL_P95_MS,
    }
    if not args.no_semantic:
        settings.KNOWLEDGE_SEMANTIC = True
        timed(len(QUESTIONS))  # loads the model, embeds the candidates once
        samples, _found = timed(SEMANTIC_REQUESTS)
        hybrid = figures(samples)
        say(f"hybrid: {hybrid}")
        result.update({"hybrid_p95_ms": hybrid["p95_ms"], "hybrid_median_ms": hybrid["median_ms"]})
        settings.KNOWLEDGE_SEMANTIC = False
    return result


if __name__ == "__main__":
    main()
