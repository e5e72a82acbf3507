"""The reports (insights) over a million cases: render time of every report page.

Fills a throwaway database with raw bulk inserts (COPY on PostgreSQL): one shop, 12
agents in 3 teams, 7 tags, n cases spread over the last 90 days on email, form, chat and
phone, each with its audit trail (opened, replied + status, a quarter with a follow-up
and its answer, the last two days partly unanswered), a rating on one case in ten (with
the rated answer's message). Then `rollups.rebuild()` (timed), one incremental
`rollups.refresh()` (timed), and each report page (Översikt, answer times, promise,
volume, backlog, per agent) for the 90-day period — every one of the n cases — 30 times
through the test client as the shop's admin: median and p95 per page, and the median
CPU time of the process per request (the machine may be shared: wall time includes
waiting for a CPU; the load average is printed with the figures).

    python bench/reports.py [--quick] [--n 1000000] [--db sqlite|postgres] [--rounds 3]
                            [--keep] [--reuse DATABASE_URL]

--quick is 20,000 cases. --rounds repeats the page timings (each round every page 30
times) and reports the median of the rounds' figures. --keep leaves the filled database
in place (its URL is printed); --reuse times the pages on such a database again
without filling and rebuilding it. Figures go to stderr; the last line is one line of
JSON with `report_p95_ms` = the slowest page's p95 (the median over the rounds; target
≤ 300).
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

# bench/queue.py would shadow the standard library's `queue`: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway  # noqa: E402

REQUESTS = 30
CHUNK = 20_000
DAYS = 90
PAGES = ["", "answer-times/", "promise/", "volume/", "backlog/", "agents/"]
CHANNELS = ["email"] * 55 + ["form"] * 20 + ["chat"] * 15 + ["phone"] * 10
TAGS = ["leverans", "retur", "reklamation", "faktura", "byte", "rabatt", "storlek"]
SLUG = "nordljus"


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 cases")
    parser.add_argument("--n", type=int, default=1_000_000, help="cases")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3, help="page timing rounds")
    parser.add_argument("--keep", action="store_true", help="keep the filled database")
    parser.add_argument("--reuse", metavar="DATABASE_URL", help="a database --keep left")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.n
    if args.reuse:
        os.environ.update(
            DATABASE_URL=args.reuse,
            DJANGO_SETTINGS_MODULE="kundsvar.settings",
            KUNDSVAR_VAR_DIR=tempfile.mkdtemp(prefix="kundsvar-bench-"),
        )
        os.environ.setdefault("LOG_LEVEL", "ERROR")
        print(json.dumps(run(n, args)), flush=True)
        return
    with throwaway(args.db, keep="reports" if args.keep else ""):
        print(json.dumps(run(n, args)), flush=True)


def run(n: int, args) -> dict:
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kundsvar.accounts.models import Agent
    from kundsvar.cases.models import Case
    from kundsvar.insights import rollups

    call_command("migrate", verbosity=0)
    built: dict = {}
    if args.reuse:
        counts = {"cases": Case.objects.count()}
        owner = Agent.objects.get(username="owner")
    else:
        started = time.perf_counter()
        filler = Filler(n, random.Random(args.seed))
        counts = filler.fill()
        built["fill_s"] = round(time.perf_counter() - started, 1)
        say(f"filled {counts} in {built['fill_s']:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        days = rollups.rebuild(now=filler.now)
        built["rebuild_s"] = round(time.perf_counter() - started, 1)
        say(f"rebuilt {days} days in {built['rebuild_s']:.0f} s")
        started = time.perf_counter()
        rollups.refresh(now=filler.now + timedelta(minutes=5))
        built["refresh_s"] = round(time.perf_counter() - started, 2)
        say(f"refresh (today) in {built['refresh_s']:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        owner = filler.owner
        if args.keep:
            say(f"kept: --reuse {os.environ['DATABASE_URL']}")

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(owner)
    load = [os.getloadavg()[0]]
    rounds, errors = [], {}
    for i in range(max(1, args.rounds)):
        rounds.append(time_pages(client, errors))
        load.append(os.getloadavg()[0])
        say(f"round {i + 1}: {rounds[-1]}")
    pages = {
        name: {
            figure: round(statistics.median(r[name][figure] for r in rounds), 1)
            for figure in rounds[0][name]
        }
        for name in rounds[0]
    }
    each = [max(p["p95_ms"] for p in r.values()) for r in rounds]
    csv_url = f"/insights/reports/{SLUG}/volume/?period=90&format=csv&table=heatmap"
    csv_ok = client.get(csv_url).status_code == 200
    return {
        "bench": "reports",
        "db": connection.vendor,
        "n": counts["cases"],
        **counts,
        **built,
        "pages": pages,
        "csv_ok": csv_ok,
        "errors": errors,
        "report_p95_ms_rounds": each,
        "report_p95_ms": statistics.median(each),
        "goal_p95_ms": 300,
        "load_average": [round(x, 1) for x in load],
        "cpus": os.cpu_count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def time_pages(client, errors: dict) -> dict:
    """Every page REQUESTS times: median and p95 wall time, median CPU time."""
    pages = {}
    for page in PAGES:
        url = f"/insights/reports/{SLUG}/{page}?period=90"
        samples, cpu, statuses = [], [], set()
        client.get(url)
        for _ in range(REQUESTS):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            statuses.add(response.status_code)
        samples.sort()
        if statuses != {200}:
            errors[page or "overview"] = sorted(statuses)
        pages[page.strip("/") or "overview"] = {
            "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1),
        }
    return pages


class Filler:
    def __init__(self, n: int, rng: random.Random):
        from django.db import connection
        from django.utils import timezone

        self.n = n
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.vendor = connection.vendor
        self.slug = SLUG

    def ts(self, moment):
        if moment is None or self.vendor != "sqlite":
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def js(self, data: dict) -> str:
        return json.dumps(data)

    def insert(self, model, columns: list[str], rows: list[tuple]) -> None:
        """Raw bulk insert; columns left out get the field's default (bench/queue.py)."""
        from django.db import connection

        meta = model._meta
        given = set(columns)
        rest = [
            f
            for f in meta.concrete_fields
            if f.attname not in given
            and not getattr(f, "generated", False)  # computed by the database (Case.lane)
            and not (f.primary_key and f.get_internal_type().endswith("AutoField"))
        ]
        defaults = []
        for field in rest:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.ts(self.now)
            else:
                value = field.get_db_prep_save(field.get_default(), connection)
            defaults.append(value)
        names = columns + [f.column for f in rest]
        extra = tuple(defaults)
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {meta.db_table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + extra)
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {meta.db_table} ({quoted}) VALUES ({marks})",
                    [row + extra for row in rows],
                )

    def fill(self) -> dict:
        from datetime import time as clock

        from django.db import connection, transaction

        from kundsvar.accounts.models import Agent, Membership, Role, Team
        from kundsvar.cases.models import Tag
        from kundsvar.customers.models import Customer
        from kundsvar.shops.models import OpeningHours, Shop

        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -262144")
        with transaction.atomic():
            shop = Shop.objects.create(
                name="Nordljus", slug=self.slug, email="kundtjanst@nordljus.example", country="SE"
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(shop=shop, weekday=d, opens=clock(8), closes=clock(17))
                for d in range(5)
            )
            self.owner = Agent.objects.create(username="owner", first_name="Olle")
            Membership.objects.create(agent=self.owner, shop=shop, role=Role.ADMIN)
            teams = [Team.objects.create(shop=shop, name=f"Team {i}").pk for i in range(3)]
            agents = []
            for i in range(12):
                agent = Agent.objects.create(username=f"agent{i}", first_name=f"Agent {i}")
                Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
                agents.append(agent.pk)
            tags = [Tag.objects.create(shop=shop, name=name).pk for name in TAGS]
            customers = max(10, self.n // 20)
            self.insert(
                Customer,
                ["id", "shop_id", "name", "language", "created_at"],
                [
                    (i, shop.pk, f"Kund {i}", "sv", self.ts(self.now))
                    for i in range(1, customers + 1)
                ],
            )
        counts = {"cases": 0, "events": 0, "ratings": 0}
        ids = {"event": 1, "message": 1}
        for start in range(0, self.n, CHUNK):
            with transaction.atomic():
                added = self._cases(
                    start, min(self.n, start + CHUNK), shop.pk, agents, teams, tags, customers, ids
                )
            for key, value in added.items():
                counts[key] += value
        return counts

    def _cases(self, start, stop, shop, agents, teams, tags, customers, ids) -> dict:
        from kundsvar.cases.models import Case, CaseEvent, Message
        from kundsvar.feedback.models import Rating

        rng, now = self.rng, self.now
        span = DAYS * 86400
        cases, events, tag_rows, messages, ratings = [], [], [], [], []

        def event(case_id, kind, at, actor=None, **data):
            events.append((ids["event"], case_id, kind, actor, self.js(data), self.ts(at)))
            ids["event"] += 1

        for pk in range(start + 1, stop + 1):
            received = now - timedelta(seconds=rng.randrange(span))
            # Business-hours shape: most questions by day.
            if rng.random() < 0.6:
                received = received.replace(hour=rng.randrange(7, 16))
                received = min(received, now - timedelta(minutes=1))
            channel = rng.choice(CHANNELS)
            agent = rng.choice(agents)
            due = received + timedelta(hours=rng.choice([2, 8, 24]))
            fresh = now - received < timedelta(days=2)
            answered = not fresh or rng.random() < 0.7
            wait = timedelta(minutes=rng.lognormvariate(5, 1.1))
            first_at = received + wait
            if first_at > now:
                answered = False
            status = "answered" if answered else "new"
            follow = answered and rng.random() < 0.25
            follow_at = first_at + timedelta(hours=rng.uniform(1, 48)) if follow else None
            if follow_at and follow_at > now:
                follow, follow_at = False, None
            cases.append(
                (
                    pk, 10_000 + pk, shop, rng.randrange(1, customers + 1), "Fråga", status,
                    channel, "sv", agent, rng.choice(teams), self.ts(received),
                    self.ts(first_at if answered else None), self.ts(received),
                    self.ts(first_at if answered else None),
                    self.ts(None if answered else received), self.ts(None if answered else due),
                    "none" if answered else "ok",
                )
            )  # fmt: skip
            event(pk, "opened", received, channel=channel, due_at=due.isoformat())
            if rng.random() < 0.4:
                tag_rows.append((pk, rng.choice(tags)))
            if not answered:
                continue
            event(pk, "replied", first_at, agent, first=True, due_at=due.isoformat(),
                  kept=first_at <= due, follow_up=False)  # fmt: skip
            event(pk, "status", first_at, agent, old="new", new="answered")
            if rng.random() < 0.1:
                mid = ids["message"]
                ids["message"] += 1
                messages.append((mid, pk, "out", channel, agent, "Svar", self.ts(first_at)))
                rated = first_at + timedelta(hours=1)
                score = "good" if rng.random() < 0.85 else "bad"
                ratings.append((pk, mid, agent, channel, score, self.ts(rated), self.ts(rated)))
            if follow:
                f_due = follow_at + timedelta(hours=2)
                event(pk, "follow_up", follow_at, due_at=f_due.isoformat(), old_status="answered")
                again = follow_at + timedelta(minutes=rng.lognormvariate(4.5, 1))
                if again <= now:
                    event(pk, "replied", again, agent, first=False, due_at=f_due.isoformat(),
                          kept=again <= f_due, follow_up=True)  # fmt: skip
                    event(pk, "status", again, agent, old="open", new="answered")
        self.insert(
            Case,
            [
                "id", "number", "shop_id", "customer_id", "subject", "status", "channel",
                "language", "assignee_id", "team_id", "received_at", "first_response_at",
                "last_inbound_at", "last_response_at", "owed_since", "due_at", "sla_state",
            ],
            cases,
        )  # fmt: skip
        self.insert(CaseEvent, ["id", "case_id", "kind", "actor_id", "data", "created_at"], events)
        self.insert(Case.tags.through, ["case_id", "tag_id"], tag_rows)
        self.insert(
            Message,
            ["id", "case_id", "direction", "channel", "author_id", "body_text", "created_at"],
            messages,
        )
        self.insert(
            Rating,
            ["case_id", "message_id", "agent_id", "channel", "score", "created_at", "updated_at"],
            ratings,
        )
        return {"cases": len(cases), "events": len(events), "ratings": len(ratings)}


if __name__ == "__main__":
    main()
