"""The queue, the case view and search with a million cases.

Fills a throwaway database with bulk inserts (COPY on PostgreSQL): 3 shops, 20 agents
(ten work for every shop, ten for one each), customers, cases in every state with
deadlines, assignees, follow-ups, snoozes and tags, about 5 messages a case in Swedish
(some Norwegian, Danish, English) with replies and internal notes, and an audit event
per message; builds the search index with `kundsvar.search.services.rebuild`. Then
times, through Django's test client as an agent who works for all three shops, the
first page of each queue view and the case view (50 requests each: median, p95), and
`search_cases` over the agent's cases for a Swedish word. Prints the query plan of the
slowest query.

    python bench/queue.py [--quick] [--n 1000000] [--db sqlite|postgres]

--quick is 20,000 cases. Figures go to stderr; the last line is one line of JSON. Each
page's figures have this process's CPU time too (cpu_median_ms, cpu_p95_ms: Python and
SQLite, not the PostgreSQL server), steadier than wall time on a busy machine.
"""

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# This file is called queue.py: keep its folder off the path so that the standard
# library's `queue` (threads, asgiref) is the one imported once Django loads.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway  # noqa: E402

QUEUE_VIEWS = ["open", "mine", "unassigned", "risk", "waiting", "snoozed", "closed"]
REQUESTS = 50
CHUNK = 10_000  # cases per insert batch
SEARCH_WORD = "kudden"  # a product: about one case in forty
COMMON_WORD = "paketet"  # in a good share of all cases

# (indefinite, definite) Swedish product nouns.
PRODUCTS = [
    ("jacka", "jackan"),
    ("kudde", "kudden"),
    ("lampa", "lampan"),
    ("stol", "stolen"),
    ("matta", "mattan"),
    ("tröja", "tröjan"),
    ("vas", "vasen"),
    ("halsduk", "halsduken"),
    ("mössa", "mössan"),
    ("filt", "filten"),
    ("gardin", "gardinen"),
    ("ryggsäck", "ryggsäcken"),
    ("klänning", "klänningen"),
    ("kavaj", "kavajen"),
    ("byxa", "byxan"),
    ("sko", "skon"),
    ("stövel", "stöveln"),
    ("kanna", "kannan"),
    ("skål", "skålen"),
    ("tallrik", "tallriken"),
    ("bricka", "brickan"),
    ("spegel", "spegeln"),
    ("pall", "pallen"),
    ("soffa", "soffan"),
    ("hylla", "hyllan"),
    ("byrå", "byrån"),
    ("väska", "väskan"),
    ("handduk", "handduken"),
    ("duk", "duken"),
    ("ljusstake", "ljusstaken"),
    ("kruka", "krukan"),
    ("klocka", "klockan"),
    ("plånbok", "plånboken"),
    ("vante", "vanten"),
    ("keps", "kepsen"),
    ("skjorta", "skjortan"),
    ("kofta", "koftan"),
    ("regnjacka", "regnjackan"),
    ("termos", "termosen"),
    ("skärbräda", "skärbrädan"),
]
CITIES = ["Umeå", "Göteborg", "Malmö", "Uppsala", "Luleå", "Västerås", "Örebro", "Visby"]
CARRIERS = ["PostNord", "DHL", "Budbee", "Instabox", "Bring", "Schenker"]
COLORS = ["blå", "grå", "svart", "vit", "grön", "röd", "beige"]
FIRST_NAMES = [
    "Karin",
    "Erik",
    "Sofia",
    "Mohammed",
    "Lena",
    "Oskar",
    "Maja",
    "Johan",
    "Aino",
    "Elsa",
    "Ali",
    "Fatima",
    "Nils",
    "Ebba",
    "Lars",
    "Ingrid",
    "Mette",
    "James",
]
LAST_NAMES = [
    "Lindqvist",
    "Johansson",
    "Berg",
    "Ali",
    "Nyström",
    "Holm",
    "Ek",
    "Sandberg",
    "Virtanen",
    "Wikström",
    "Karlsson",
    "Andersson",
    "Solberg",
    "Kristensen",
]

SUBJECTS = [
    "Leveranstid {p}",
    "Retur av {p}",
    "Trasig {p}",
    "Fråga om order {order}",
    "Reklamation {p}",
    "Byte av {p}",
    "Faktura saknas",
    "Rabattkod fungerar inte",
    "Ändra adress",
    "Dubbeldragning",
    "Var är mitt paket?",
    "Storlek på {p}",
]
QUESTIONS = [
    "Hej! Jag beställde en {p} i fredags, order {order}. När kan jag räkna med leverans?",
    "Hej, paketet med min {p} har inte kommit fram fast det stod levererat i går. "
    "Kollinummer {track}.",
    "{P} var för liten. Hur gör jag en retur och vad kostar returfrakten?",
    "Jag har blivit dragen två gånger för order {order}! Kan ni kolla?",
    "Går det att ändra leveransadressen på order {order}? Vi har flyttat till {city}.",
    "{P} kom trasig, förpackningen var krossad. Bifogar bild. Order {order}.",
    "Har ni {p} i {color} i lager igen snart? Jag hittar den inte på webbplatsen.",
    "Jag vill reklamera {P_lower}, den gick sönder efter tre veckor. Ordernummer {order}.",
    "Kan jag byta {P_lower} mot en {color}? Jag beställde fel färg.",
    "Rabattkoden VINTER{n} fungerar inte i kassan när jag köper en {p}.",
]
FOLLOW_UPS = [
    "Tack för svaret! Men när kommer återbetalningen?",
    "Hej igen, jag har fortfarande inte fått något paket.",
    "Okej, jag skickar tillbaka {P_lower} i dag. Behöver jag skriva ut en etikett?",
    "Det fungerade, tack så mycket för hjälpen!",
    "Jag har skickat bilder på {P_lower} nu, hör av er.",
    "Paketet kom i dag men {P_lower} saknades i kartongen.",
]
REPLIES = [
    "Hej {first}!\n\nTack för att du hörde av dig. Din beställning {order} skickades i går "
    "med {carrier} och bör vara framme inom 1–2 arbetsdagar.\n\nVänliga hälsningar\n{agent}",
    "Hej {first}!\n\nVad tråkigt att {P_lower} kom skadad. Vi skickar en ny direkt, du behöver "
    "inte returnera den trasiga.\n\nVänliga hälsningar\n{agent}",
    "Hej {first}!\n\nDu har 30 dagars öppet köp. Anmäl returen på vår webbplats så får du en "
    "returetikett. Returfrakten kostar 59 kr.\n\nVänliga hälsningar\n{agent}",
    "Hej {first}!\n\nÅterbetalningen på {n}9 kr är gjord och syns på ditt konto inom 3–5 "
    "bankdagar.\n\nVänliga hälsningar\n{agent}",
    "Hej {first}!\n\nJag har ändrat adressen på order {order}. Paketet går till {city}.\n\n"
    "Vänliga hälsningar\n{agent}",
]
NOTES = [
    "Ringde {carrier}, paketet ligger kvar på terminalen i {city}.",
    "Kunden är stamkund, bjud på returfrakten.",
    "Kollat i Klarna: dubbeldragningen är makulerad.",
    "Väntar på svar från lagret om {P_lower}.",
]
OTHER_LANGUAGES = {
    "nb": ("Levering", "Hei! Jeg har ikke fått pakken min ennå, ordre {order}. Hvor er den?"),
    "da": ("Ombytning", "Hej, kan jeg bytte en trøje til en større størrelse? Ordre {order}."),
    "en": (
        "Order status",
        "Hi, I ordered a {p} last week (order {order}) and haven't heard "
        "anything since. Could you check?",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 cases")
    parser.add_argument("--n", type=int, default=1_000_000, help="cases")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep", default="", help="keep the filled database under this name and reuse it"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="measure this often; figures are the medians"
    )
    args = parser.parse_args()
    n = 20_000 if args.quick else args.n
    with throwaway(args.db, args.keep):
        print(json.dumps(run(n, args)), flush=True)


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def setup_django() -> None:
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    import kundsvar.settings as project_settings

    # The search app may not be listed in settings yet; the benchmark needs its tables.
    if "kundsvar.search" not in project_settings.INSTALLED_APPS:
        project_settings.INSTALLED_APPS.append("kundsvar.search")
    django.setup()


def run(n: int, args) -> dict:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kundsvar.cases.models import Case
    from kundsvar.search.services import rebuild

    call_command("migrate", verbosity=0)
    filler = Filler(n, random.Random(args.seed))
    if args.keep and Case.objects.count() == n:  # filled by an earlier run: measure only
        counts, fill_s, index_s = filler.found(), 0.0, 0.0
        say(f"reusing the kept database: {counts}")
    else:
        started = time.perf_counter()
        counts = filler.fill()
        fill_s = time.perf_counter() - started
        say(f"filled {counts} in {fill_s:.0f} s")
        started = time.perf_counter()
        rebuild()
        index_s = time.perf_counter() - started
        say(f"search index built in {index_s:.0f} s")
        with connection.cursor() as cursor:
            # What autovacuum (PostgreSQL: a VACUUM after this many inserted rows, which
            # also sets the visibility map that index-only scans need) or PRAGMA optimize
            # (SQLite) does.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    timer = Timer(filler.agent)
    rounds = []
    for number in range(1, args.rounds + 1):
        results = timer.measure(filler)
        for name, figures in results.items():
            say(f"round {number} {name}: {figures}")
        rounds.append(results)
    results = median_of(rounds)
    queue, case, search, common = (results[k] for k in ("queue", "case", "search", "search_common"))
    customers = results["customer_search"]
    slowest = timer.explain_slowest(results)
    ok = [f for f in queue.values() if "error" not in f]
    return {
        "bench": "queue",
        "db": args.db,
        "n": n,
        **counts,
        "fill_s": round(fill_s, 1),
        "index_s": round(index_s, 1),
        "queue_median_ms": max((f["median_ms"] for f in ok), default=None),
        "queue_p95_ms": max((f["p95_ms"] for f in ok), default=None),
        "queue_cpu_p95_ms": max((f["cpu_p95_ms"] for f in ok), default=None),
        "queue_views": queue,
        "case_median_ms": case.get("median_ms"),
        "case_p95_ms": case.get("p95_ms"),
        "case_cpu_p95_ms": case.get("cpu_p95_ms"),
        "search_median_ms": search["median_ms"],
        "search_p95_ms": search["p95_ms"],
        "search_word": SEARCH_WORD,
        "search_matches": search["matches"],
        "search_common": common,
        "customer_search_p95_ms": customers["p95_ms"],
        "customer_search": customers,
        "rounds": args.rounds,
        "errors": {
            k: v["error"]
            for k, v in [*queue.items(), ("case", case), ("customers", customers)]
            if "error" in v
        },
        "slowest": slowest,
        "goal_p95_ms": 50,
        "load_average": [round(x, 1) for x in os.getloadavg()],  # 2 CPUs here, shared
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def median_of(rounds: list[dict]) -> dict:
    """Every figure of the rounds' results as the median over the rounds (the rest from
    the last round)."""

    def merge(values: list):
        if isinstance(values[-1], dict):
            return {k: merge([v[k] for v in values]) for k in values[-1]}
        if isinstance(values[-1], float):
            return round(statistics.median(values), 1)
        return values[-1]

    return merge(rounds)


class Timer:
    """Times requests through the test client as one logged-in agent."""

    def __init__(self, agent):
        from django.test import Client

        self.agent = agent
        self.client = Client(raise_request_exception=False)
        self.client.force_login(agent)
        self.slowest_request = None

    @staticmethod
    def _figures(samples: list[float]) -> dict:
        samples = sorted(samples)
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1)}

    @staticmethod
    def _cpu(samples: list[float]) -> dict:
        """This process's CPU time (Python, and SQLite's work, not PostgreSQL's server):
        what a shared, busy machine changes least."""
        figures = Timer._figures(samples)
        return {"cpu_median_ms": figures["median_ms"], "cpu_p95_ms": figures["p95_ms"]}

    def _get(self, url: str) -> tuple[float, int]:
        started, cpu = time.perf_counter(), time.process_time()
        response = self.client.get(url)
        self.last_cpu_ms = (time.process_time() - cpu) * 1000
        return (time.perf_counter() - started) * 1000, response.status_code

    def _sql_share(self, url: str) -> dict:
        """Queries and their total time in one request: the database's share of the page."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.client.get(url)
        return {
            "queries": len(captured.captured_queries),
            "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        }

    def measure(self, filler) -> dict:
        self.n_cases = filler.n
        queue = {view: self.url(f"/cases/?view={view}") for view in QUEUE_VIEWS}
        page = self.client.get("/cases/?view=open").content.decode()
        first = re.findall(r'name="cases" value="(\d+)"', page)[-1]
        queue["open_page_2"] = self.url(f"/cases/?view=open&after={first}")
        return {
            "queue": queue,
            "case": self.case_view(filler.visible_numbers()),
            "search": self.search(SEARCH_WORD),
            "search_common": self.search(COMMON_WORD),
            "customer_search": self.customer_search(filler.customer_queries()),
        }

    def customer_search(self, queries: list[str]) -> dict:
        """The customer list's search box: names, addresses, phone and order numbers."""
        urls = [f"/customers/?q={query}" for query in queries]
        return self.series(urls, "/customers/?q=<query>")

    def url(self, url: str) -> dict:
        return self.series([url] * (REQUESTS + 1), url)

    def case_view(self, numbers: list[int]) -> dict:
        return self.series([f"/cases/{number}/" for number in numbers], "/cases/<number>/")

    def series(self, urls: list[str], shown: str) -> dict:
        """Each URL once after a warming request for the first (templates compiled)."""
        self._get(urls[0])
        samples, cpu, statuses = [], [], set()
        for url in urls[1 : REQUESTS + 1]:
            ms, status = self._get(url)
            samples.append(ms)
            cpu.append(self.last_cpu_ms)
            statuses.add(status)
        figures = {
            **self._figures(samples),
            **self._cpu(cpu),
            "url": shown,
            "sample_url": urls[1],
            **self._sql_share(urls[1]),
        }
        if statuses != {200}:
            figures["error"] = f"HTTP {sorted(statuses)}"
        return figures

    def search(self, word: str) -> dict:
        from kundsvar.cases.queries import cases_for
        from kundsvar.search.queries import search_cases

        def page():
            return list(search_cases(cases_for(self.agent), word)[:50])

        page()
        samples, cpu = [], []
        for _ in range(REQUESTS):
            started, cpu_started = time.perf_counter(), time.process_time()
            page()
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        from kundsvar.search import queries as search_queries

        ranked, search_queries.RANKED = search_queries.RANKED, self.n_cases
        try:  # every match, not only the newest RANKED that a page ranks
            matches = search_cases(cases_for(self.agent), word).count()
        finally:
            search_queries.RANKED = ranked
        return {
            **self._figures(samples),
            **self._cpu(cpu),
            "ranked": ranked,
            "word": word,
            "matches": matches,
            "first_page": len(page()),
        }

    def explain_slowest(self, results: dict) -> dict:
        """EXPLAIN the slowest query of the slowest measured page."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        candidates = [(f["p95_ms"], name, f) for name, f in results["queue"].items()]
        candidates += [
            (results["case"]["p95_ms"], "case", results["case"]),
            (results["search"]["p95_ms"], "search", results["search"]),
            (results["search_common"]["p95_ms"], "search_common", results["search_common"]),
        ]
        _, name, figures = max(candidates, key=lambda c: c[0])
        with CaptureQueriesContext(connection) as captured:
            if name.startswith("search"):
                from kundsvar.cases.queries import cases_for
                from kundsvar.search.queries import search_cases

                list(search_cases(cases_for(self.agent), figures["word"])[:50])
            else:
                self.client.get(figures.get("sample_url") or figures["url"])
        query = max(captured.captured_queries, key=lambda q: float(q["time"]))
        sql = query["sql"]
        explain = (
            "EXPLAIN QUERY PLAN "
            if connection.vendor == "sqlite"
            else "EXPLAIN (ANALYZE, BUFFERS) "
        )
        with connection.cursor() as cursor:
            cursor.execute(explain + sql)
            rows = cursor.fetchall()
        plan = [" | ".join(str(c) for c in row) for row in rows]
        say(
            f"\nslowest: {name} ({figures['p95_ms']} ms p95); its slowest query "
            f"({float(query['time']) * 1000:.1f} ms of {len(captured.captured_queries)}):"
        )
        say(sql)
        say("\n".join(plan))
        return {
            "page": name,
            "page_p95_ms": figures["p95_ms"],
            "queries": len(captured.captured_queries),
            "query_ms": round(float(query["time"]) * 1000, 1),
            "sql": sql[:2000],
            "plan": plan,
        }


class Filler:
    """Bulk rows for every table the queue and the case view read."""

    def __init__(self, n: int, rng: random.Random):
        from django.db import connection
        from django.utils import timezone

        self.n = n
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.vendor = connection.vendor
        self.agent = None
        self.shop_members: dict[int, list[int]] = {}

    # -- output ------------------------------------------------------------------------

    def ts(self, moment: datetime | None):
        if moment is None or self.vendor != "sqlite":
            return moment
        # What Django's SQLite backend stores for an aware datetime: naive UTC text.
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def insert(self, model, columns: list[str], rows: list[tuple]) -> None:
        """Raw bulk insert; columns left out get the field's default."""
        from django.db import connection

        meta = model._meta
        given = set(columns)
        rest = [
            f
            for f in meta.concrete_fields
            if f.attname not in given and not getattr(f, "generated", False)
        ]
        defaults = []
        for field in rest:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.ts(self.now)
            elif field.has_default() or field.empty_strings_allowed or field.null:
                value = field.get_db_prep_save(field.get_default(), connection)
            else:
                raise SystemExit(
                    f"{meta.label}.{field.name} is new and required: "
                    "teach bench/queue.py to fill it"
                )
            defaults.append(value)
        names = columns + [f.column for f in rest]
        extra = tuple(defaults)
        table = meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                quoted = ", ".join(connection.ops.quote_name(c) for c in names)
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + extra)
            else:
                marks = ", ".join(["%s"] * len(names))
                quoted = ", ".join(connection.ops.quote_name(c) for c in names)
                cursor.executemany(
                    f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
                    [row + extra for row in rows],
                )

    # -- the fill ----------------------------------------------------------------------

    def fill(self) -> dict:
        from django.db import connection, transaction

        if self.vendor == "sqlite":
            with connection.cursor() as cursor:  # a throwaway database: no need to fsync
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB for the indexes
        with transaction.atomic():
            shops = self._shops()
            agents = self._agents(shops)
            tags = self._tags(shops)
            customers = self._customers(shops)
        counts = {"cases": 0, "messages": 0, "events": 0}
        next_ids = {"message": 1, "event": 1, "tag": 1}
        for start in range(0, self.n, CHUNK):
            with transaction.atomic():
                added = self._cases(
                    start, min(self.n, start + CHUNK), shops, agents, tags, customers, next_ids
                )
            for key, value in added.items():
                counts[key] += value
        self._after(counts)
        counts["customers"] = sum(len(c) for c in customers.values())
        return counts

    def _shops(self) -> list:
        from datetime import time as clock

        from kundsvar.shops.models import OpeningHours, Shop
        from kundsvar.sla.models import ResponsePolicy

        shops = []
        for slug, name, country in [
            ("nordljus", "Nordljus", "SE"),
            ("fjellpost", "Fjellpost", "NO"),
            ("havbrise", "Havbrise", "DK"),
        ]:
            shop = Shop.objects.create(
                name=name,
                slug=slug,
                email=f"kundtjanst@{slug}.example",
                country=country,
                languages=["sv", "nb", "da", "en"],
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(shop=shop, weekday=d, opens=clock(8), closes=clock(17))
                for d in range(5)
            )
            ResponsePolicy.objects.create(shop=shop, channel="")
            shops.append(shop.pk)
        return shops

    def _agents(self, shops: list[int]) -> list[int]:
        from kundsvar.accounts.models import Agent, Membership, Role

        ids = []
        for i in range(20):
            agent = Agent.objects.create(
                username=f"agent{i}",
                first_name=FIRST_NAMES[i % 18],
                last_name=LAST_NAMES[i % 14],
                language="sv",
            )
            ids.append(agent.pk)
            for shop in shops if i < 10 else [shops[i % 3]]:
                Membership.objects.create(
                    agent=agent, shop_id=shop, role=Role.ADMIN if i == 1 else Role.AGENT
                )
                self.shop_members.setdefault(shop, []).append(agent.pk)
            if i == 0:
                self.agent = agent
        return ids

    def _tags(self, shops: list[int]) -> dict[int, list[int]]:
        from kundsvar.cases.models import Tag

        names = ["leverans", "retur", "reklamation", "faktura", "vip", "byte", "rabatt"]
        return {
            shop: [Tag.objects.create(shop_id=shop, name=name).pk for name in names]
            for shop in shops
        }

    def _customers(self, shops: list[int]) -> dict[int, list[int]]:
        from kundsvar.customers.models import Customer, CustomerEmail

        per_shop = max(10, self.n // 3 // 3)
        customers, emails, by_shop = [], [], {}
        pk = 0
        for shop in shops:
            by_shop[shop] = []
            for _ in range(per_shop):
                pk += 1
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                language = self._language()
                key = f"{first} {last}".lower()  # Customer.save's search keys
                customers.append(
                    (pk, shop, f"{first} {last}", key, last.lower(), language, self.ts(self.now))
                )
                address = f"{first}.{last}.{pk}@example.se".lower()
                emails.append((pk, pk, shop, address, self.ts(self.now)))
                by_shop[shop].append(pk)
        self.insert(
            Customer,
            ["id", "shop_id", "name", "name_key", "surname_key", "language", "created_at"],
            customers,
        )
        self.insert(
            CustomerEmail, ["id", "customer_id", "shop_id", "address", "created_at"], emails
        )
        return by_shop

    def _language(self) -> str:
        roll = self.rng.random()
        return "sv" if roll < 0.85 else "nb" if roll < 0.91 else "da" if roll < 0.96 else "en"

    def _status(self) -> str:
        roll = self.rng.random()
        return (
            "new"
            if roll < 0.05
            else "open"
            if roll < 0.15
            else "waiting"
            if roll < 0.23
            else "answered"
            if roll < 0.35
            else "closed"
        )

    def _cases(self, start, stop, shops, agents, tags, customers, ids) -> dict:
        from kundsvar.cases.models import Case, CaseEvent, Message

        rng, now = self.rng, self.now
        case_rows, message_rows, event_rows, tag_rows = [], [], [], []
        for i in range(start, stop):
            pk = i + 1
            shop = shops[i % 3]
            customer = rng.choice(customers[shop])
            language = self._language()
            status = self._status()
            product, definite = rng.choice(PRODUCTS)
            slots = {
                "p": product,
                "P": definite.capitalize(),
                "P_lower": definite,
                "order": 100000 + pk,
                "track": f"0037073025{pk:010d}",
                "city": rng.choice(CITIES),
                "color": rng.choice(COLORS),
                "carrier": rng.choice(CARRIERS),
                "n": rng.randrange(10, 99),
                "first": rng.choice(FIRST_NAMES),
                "agent": rng.choice(FIRST_NAMES),
            }
            if language == "sv":
                subject = rng.choice(SUBJECTS).format(**slots)
                question = rng.choice(QUESTIONS).format(**slots)
            else:
                subject, question = OTHER_LANGUAGES[language]
                question = question.format(**slots)
            if status in ("new", "open"):
                received = now - timedelta(minutes=rng.randrange(10, 4 * 24 * 60))
            elif status in ("waiting", "answered"):
                received = now - timedelta(minutes=rng.randrange(60, 14 * 24 * 60))
            else:
                received = now - timedelta(minutes=rng.randrange(60, 730 * 24 * 60))
            members = self.shop_members[shop]
            assignee = rng.choice(members) if rng.random() < 0.7 else None
            count = 1 if status == "new" else max(2, min(12, round(rng.gauss(5.4, 2.2))))
            moment = received
            last_in = last_out = first_out = None
            follow_up = False
            for m in range(count):
                if m == 0:
                    direction, text = "in", question
                elif rng.random() < 0.1:
                    direction, text = "note", rng.choice(NOTES).format(**slots)
                elif last_out is None or (m % 2 == 0):
                    direction, text = "out", rng.choice(REPLIES).format(**slots)
                else:
                    direction, text = "in", rng.choice(FOLLOW_UPS).format(**slots)
                moment = moment + timedelta(minutes=rng.randrange(5, 26 * 60))
                if moment > now:
                    moment = now - timedelta(seconds=count - m)
                if direction == "in":
                    last_in = moment
                    follow_up = last_out is not None
                elif direction == "out":
                    first_out = first_out or moment
                    last_out = moment
                author = (assignee or members[0]) if direction != "in" else None
                body, new_text = text, ""
                if direction == "in" and m > 0:
                    new_text = text
                    body = f"{text}\n\nDen {moment:%d %b} skrev {CARRIERS[0]}:\n> Hej!"
                message_rows.append(
                    (
                        ids["message"],
                        pk,
                        direction,
                        "email",
                        author,
                        f"{slots['first'].lower()}@example.se" if direction == "in" else "",
                        subject if direction == "in" else "",
                        body,
                        new_text,
                        follow_up and direction == "in",
                        self.ts(moment),
                    )
                )
                kind = {"in": "inbound" if m else "opened", "out": "replied", "note": "note"}
                event_rows.append((ids["event"], pk, kind[direction], author, self.ts(moment)))
                ids["message"] += 1
                ids["event"] += 1
            owed = status in ("new", "open")
            due = at_risk = owed_since = None
            sla_state = "none"
            if owed:
                owed_since = last_in or received
                due = now + timedelta(minutes=rng.randrange(-24 * 60, 48 * 60))
                at_risk = due - timedelta(hours=2)
                sla_state = "breached" if due < now else "at_risk" if at_risk < now else "ok"
            closed_at = moment if status == "closed" else None
            snoozed = (
                now + timedelta(days=rng.randrange(1, 5))
                if status == "waiting" and rng.random() < 0.1
                else None
            )
            case_rows.append(
                (
                    pk,
                    10000 + pk,
                    shop,
                    customer,
                    subject[:200],
                    status,
                    "email",
                    language,
                    assignee,
                    self.ts(snoozed),
                    self.ts(received),
                    self.ts(first_out),
                    self.ts(last_in or received),
                    self.ts(last_out),
                    self.ts(closed_at),
                    self.ts(owed_since),
                    self.ts(due),
                    self.ts(at_risk),
                    sla_state,
                    owed and follow_up,
                    rng.choice([None, None, None, 4, 5, 2]) if closed_at else None,
                    self.ts(received),
                    self.ts(moment),
                )
            )
            if rng.random() < 0.3:
                tag_rows.append((ids["tag"], pk, rng.choice(tags[shop])))
                ids["tag"] += 1
        self.insert(
            Case,
            [
                "id",
                "number",
                "shop_id",
                "customer_id",
                "subject",
                "status",
                "channel",
                "language",
                "assignee_id",
                "snoozed_until",
                "received_at",
                "first_response_at",
                "last_inbound_at",
                "last_response_at",
                "closed_at",
                "owed_since",
                "due_at",
                "at_risk_at",
                "sla_state",
                "is_follow_up",
                "satisfaction",
                "created_at",
                "updated_at",
            ],
            case_rows,
        )
        self.insert(
            Message,
            [
                "id",
                "case_id",
                "direction",
                "channel",
                "author_id",
                "from_address",
                "subject",
                "body_text",
                "new_text",
                "is_follow_up",
                "created_at",
            ],
            message_rows,
        )
        self.insert(CaseEvent, ["id", "case_id", "kind", "actor_id", "created_at"], event_rows)
        self.insert(Case.tags.through, ["id", "case_id", "tag_id"], tag_rows)
        return {"cases": len(case_rows), "messages": len(message_rows), "events": len(event_rows)}

    def _after(self, counts: dict) -> None:
        """Sequences and the case-number counter past what was inserted."""
        from django.core.management.color import no_style
        from django.db import connection

        from kundsvar.cases.models import Case, CaseEvent, Message
        from kundsvar.cases.services import continue_case_numbers_after
        from kundsvar.customers.models import Customer, CustomerEmail

        continue_case_numbers_after(10000 + self.n)
        if self.vendor == "postgresql":
            models = [Case, Message, CaseEvent, Customer, CustomerEmail, Case.tags.through]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    def found(self) -> dict:
        """The counts of a kept database, and its measuring agent."""
        from kundsvar.accounts.models import Agent
        from kundsvar.cases.models import Case, CaseEvent, Message
        from kundsvar.customers.models import Customer

        self.agent = Agent.objects.get(username="agent0")
        return {
            "cases": Case.objects.count(),
            "messages": Message.objects.count(),
            "events": CaseEvent.objects.count(),
            "customers": Customer.objects.count(),
        }

    def customer_queries(self) -> list[str]:
        """What agents type: a first or last name, part of an address, a case number."""
        from urllib.parse import quote

        rng = random.Random(11)
        picks = []
        for i in range(REQUESTS + 1):
            kind = i % 4
            if kind == 0:
                picks.append(rng.choice(LAST_NAMES))
            elif kind == 1:
                picks.append(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
            elif kind == 2:
                picks.append(f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(LAST_NAMES).lower()}")
            else:
                picks.append(str(10000 + rng.randrange(1, self.n + 1)))
        return [quote(p) for p in picks]

    def visible_numbers(self) -> list[int]:
        rng = random.Random(7)
        return [10000 + rng.randrange(1, self.n + 1) for _ in range(REQUESTS + 1)]


if __name__ == "__main__":
    main()
