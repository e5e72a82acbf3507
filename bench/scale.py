"""Scale-out: web processes and workers as deployed, against one database, fed at once.

Starts the product as docs/deploy.md runs it — `kundsvar serve --workers 2` (two web
processes under uvicorn) and W × `kundsvar worker` (the first with the periodic schedule,
the rest `--no-schedule`; each runs an inbound and an outbox task process) — with outgoing
mail to a local SMTP sink. For each worker count in --workers (default 1 then 3):

1. A backlog of --backlog mails (default n / 2) is accepted over HTTP while no worker
   runs; then the workers start and drain it. `messages_per_s_by_workers` is that
   drain's rate, from the first processed mail to the last (start-up not counted): what
   adding workers buys, and `scaling_3_over_1` its ratio.
2. With the workers running, n messages are fed at the same time, over HTTP from several
   client threads: raw mail to the HTTP inbound endpoint (Outlook/Gmail/Apple-style
   mail, bench/_mail.py), contact-form posts (each from its own client address behind a
   trusted proxy) and cases opened over the JSON API with a token, until every message
   is processed (mail: parsed, threaded, case written, acknowledgement committed to the
   outbox). `mixed_messages_per_s_by_workers` is all of them over the time from the first
   request to the last message processed; the outbox is then drained to the sink (not
   timed). On a machine with few CPUs the web processes and the workers share them, so
   this figure shows where the whole machine saturates rather than the workers' scaling.

Exactly once (`exactly_once`): every message sent is one stored inbound message, no more;
every raw mail processed once (`attempts` 1); no task result claimed by two task
processes (`worker_ids`) and none failed; at most one acknowledgement row per case; every
outgoing mail reached the sink once (by Message-ID).

    python bench/scale.py [--quick] [--db postgres|sqlite] [--n 600] [--workers 1,3]
                          [--backlog N] [--webs 2]

--quick is 150 messages a phase. SQLite has one writer: there the phases are 1 worker
only and `scaling_3_over_1` is null. The machine may be shared (2 CPUs here): the load
average is printed with the figures. Human lines go to stderr; the last line on stdout is
one line of JSON.
"""

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

# bench/queue.py would shadow the standard library's `queue`: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from concurrent.futures import ThreadPoolExecutor  # noqa: E402 (imports `queue`)

from bench._mail import Generator  # noqa: E402
from bench._throwaway import throwaway  # noqa: E402

SLUG = "nordljus"
CLIENTS = 8  # client threads feeding at once
SHARES = {"mail": 0.6, "form": 0.2, "api": 0.2}
PROCESS_TIMEOUT = 900  # seconds for one phase's messages to be processed


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """The outgoing SMTP server: counts every Message-ID it is handed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.seen: Counter = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes

                mid = message_from_bytes(envelope.content).get("Message-ID", "")
                with sink.lock:
                    sink.seen[mid.strip()] += 1
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def child_env(sink: Sink) -> dict:
    from kundsvar.core.tests.realclock import real_clock_env

    env = real_clock_env()  # the servers keep the real clock even under libfaketime
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        TRUSTED_PROXIES="127.0.0.1",  # the feeder plays the proxy: X-Forwarded-For per client
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kundsvar.cli", *command],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # stop the whole group: uvicorn's and the worker's children
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our local server)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the web server did not answer at {url}")


def wait_ready(logs: Path, processes: int, seconds: float = 90) -> bool:
    """Until that many task processes have said "Starting worker" in the phase's logs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = sum(
            log.read_text(errors="replace").count("Starting worker")
            for log in logs.glob("worker*.log")
        )
        if started >= processes:
            return True
        time.sleep(0.2)
    say(f"only some of the {processes} task processes said they started; feeding anyway")
    return False


def setup_shop() -> dict:
    from kundsvar.accounts.models import Role
    from kundsvar.accounts.services import create_agent, issue_token
    from kundsvar.shops.models import Shop

    shop = Shop.objects.create(
        name="Nordljus", slug=SLUG, email="kundtjanst@nordljus.example", country="SE"
    )
    shop.inbound_secret = "bench-inbound-secret"
    shop.save(update_fields=["inbound_secret"])
    agent = create_agent(shop, username="anna", password="en lång bänklösen 42", role=Role.ADMIN)
    _, token = issue_token(agent, "scale bench", "write", None)
    return {"shop": shop, "token": token}


class Feeder:
    """Builds the phase's requests up front (not timed) and sends them from CLIENTS threads."""

    def __init__(
        self, phase: int, n: int, rng: random.Random, shop, token: str, ports, shares=SHARES
    ):
        from django.utils import timezone

        self.ports, self.token = ports, token
        generator = Generator(1000 + phase, shop.name, shop.email, timezone.now)
        kinds = ["mail"] * round(n * shares.get("mail", 0))
        kinds += ["form"] * round(n * shares.get("form", 0))
        kinds += ["api"] * (n - len(kinds))
        rng.shuffle(kinds)
        self.requests = []
        for i, kind in enumerate(kinds):
            marker = f"SCALE-{phase}-{i:05d}"
            name, address = f"Kund {phase}-{i}", f"kund.{phase}.{i}@example.se"
            text = f"Hej! Var är mitt paket? Ordernummer {100000 + i}. ({marker})"
            if kind == "mail":
                self.requests.append((kind, generator.question(phase * 100_000 + i)))
            elif kind == "form":
                fields = {"name": name, "email": address, "message": text, "homepage": ""}
                self.requests.append((kind, fields))
            else:
                body = {"shop": SLUG, "email": address, "name": name, "text": text}
                self.requests.append((kind, json.dumps(body).encode()))
        self.counts = Counter(kinds)
        self.failures: Counter = Counter()
        self.latency: dict[str, list[float]] = {kind: [] for kind in SHARES}
        self.session = ""

    def fetch_form_session(self) -> None:
        """The contact page's signed session token (a person reads the page first)."""
        url = f"http://127.0.0.1:{self.ports[0]}/s/{SLUG}/"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            page = response.read().decode()
        marker = 'name="session" value="'
        start = page.index(marker) + len(marker)
        self.session = page[start : page.index('"', start)]

    def send(self, index: int) -> None:
        kind, payload = self.requests[index]
        port = self.ports[index % len(self.ports)]
        base = f"http://127.0.0.1:{port}"
        headers = {
            "X-Forwarded-For": f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"
        }
        if kind == "mail":
            url, data = f"{base}/inbound/email/{SLUG}/", payload
            headers |= {"Authorization": "Bearer bench-inbound-secret"}
            want = 202
        elif kind == "form":
            url = f"{base}/s/{SLUG}/"
            data = urllib.parse.urlencode(payload | {"session": self.session}).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded"}
            want = 302
        else:
            url, data = f"{base}/api/v1/cases", payload
            headers |= {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
            want = 201
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        sent = time.perf_counter()
        try:
            with opener.open(request, timeout=120) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.latency[kind].append(time.perf_counter() - sent)
        if status != want:
            self.failures[f"{kind}:{status}"] += 1

    def run(self) -> float:
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(self.send, range(len(self.requests))))
        return time.perf_counter() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def inbound_count() -> int:
    from kundsvar.cases.models import Message

    return Message.objects.filter(direction="in").count()


def mail_done() -> bool:
    from kundsvar.channels.email.models import RawMessage

    return not RawMessage.objects.filter(state__in=["pending", "processing"]).exists()


def outbox_drained(seconds: float) -> bool:
    from kundsvar.channels.email.models import OutboundEmail

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not OutboundEmail.objects.filter(state="queued").exists():
            return True
        time.sleep(0.5)
    return False


def drain_rate(after_pk: int) -> float:
    """Mail a second the task processes got through a backlog: from the first processed
    row to the last (so the workers' start-up is not counted)."""
    from django.db.models import Count, Max, Min

    from kundsvar.channels.email.models import RawMessage

    span = RawMessage.objects.filter(pk__gt=after_pk, state="processed").aggregate(
        n=Count("id"), first=Min("processed_at"), last=Max("processed_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds() if span["n"] > 1 else 0
    return round((span["n"] - 1) / seconds, 1) if seconds > 0 else 0.0


def last_raw_pk() -> int:
    from kundsvar.channels.email.models import RawMessage

    return RawMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def checks(expected_inbound: int, sink: Sink) -> dict:
    """What 'exactly once' means here, each part on its own."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from kundsvar.channels.email.models import OutboundEmail, RawMessage

    raw = RawMessage.objects.all()
    twice_claimed = sum(
        1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids or []) > 1
    )
    acks_per_case = (
        OutboundEmail.objects.filter(kind="ack")
        .values("case")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    sent = set(OutboundEmail.objects.filter(state="sent").values_list("message_id", flat=True))
    with sink.lock:
        received = dict(sink.seen)
    figures = {
        "inbound_messages": inbound_count(),
        "expected_inbound": expected_inbound,
        "raw_not_processed": raw.exclude(state="processed").count(),
        "raw_processed_more_than_once": raw.filter(attempts__gt=1).count(),
        "tasks_claimed_twice": twice_claimed,
        "tasks_failed": DBTaskResult.objects.filter(status="FAILED").count(),
        "cases_with_two_acks": acks_per_case,
        "sent_not_received": len([m for m in sent if received.get(m.strip(), 0) == 0]),
        "received_twice": sum(1 for n in received.values() if n > 1),
    }
    figures["ok"] = figures["inbound_messages"] == expected_inbound and not any(
        v for k, v in figures.items() if k not in ("inbound_messages", "expected_inbound")
    )
    return figures


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    made = setup_shop()
    sink = Sink()
    env = child_env(sink)
    logs = Path(os.environ["KUNDSVAR_VAR_DIR"]) / "logs"
    logs.mkdir(exist_ok=True)
    port = free_port()
    web = start(
        ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.webs), "--quiet"],
        env,
        logs / "web.log",
    )
    rng = random.Random(args.seed)
    result: dict = {"bench": "scale", "db": connection.vendor.replace("postgresql", "postgres")}
    drain_by_workers: dict[str, float] = {}
    mixed_by_workers: dict[str, float] = {}
    phases: dict[str, dict] = {}
    all_ok = True
    expected = inbound_count()
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        for phase, count in enumerate(args.workers, start=1):
            for old_log in logs.glob("worker*.log"):
                old_log.unlink()
            # 1. A backlog of mail accepted while no worker runs, then drained: the
            #    task processes' own throughput (what adding workers buys).
            before = last_raw_pk()
            backlog = Feeder(
                100 + phase, args.backlog, rng, made["shop"], made["token"], [port], {"mail": 1}
            )
            backlog.run()
            expected += args.backlog - sum(backlog.failures.values())
            workers = [
                start(
                    ["worker"] + ([] if i == 0 else ["--no-schedule"]),
                    env | {"LOG_LEVEL": "INFO"},  # "Starting worker" says it is ready
                    logs / f"worker{i}.log",
                )
                for i in range(count)
            ]
            ready = wait_ready(logs, 2 * count)  # an inbound and an outbox process each
            deadline = time.monotonic() + PROCESS_TIMEOUT
            while not mail_done() and time.monotonic() < deadline:
                time.sleep(0.2)
            drain = drain_rate(before)
            drain_by_workers[str(count)] = drain
            # 2. Everything at once with the workers running: mail, form posts, API calls.
            feeder = Feeder(phase, args.n, rng, made["shop"], made["token"], [port])
            feeder.fetch_form_session()
            time.sleep(3.2)  # the form's minimum time between showing and sending
            started = time.perf_counter()
            feed_s = feeder.run()
            expected += args.n - sum(feeder.failures.values())
            deadline = time.monotonic() + PROCESS_TIMEOUT
            while not (mail_done() and inbound_count() >= expected):
                if time.monotonic() > deadline:
                    say(f"phase {phase}: not processed within {PROCESS_TIMEOUT} s")
                    break
                time.sleep(0.2)
            wall = time.perf_counter() - started
            drained = outbox_drained(300)
            for worker in workers:
                stop(worker)
            figures = checks(expected, sink)
            rate = round(args.n / wall, 1)
            mixed_by_workers[str(count)] = rate
            phases[str(count)] = {
                "messages": dict(feeder.counts),
                "request_failures": dict(feeder.failures) | dict(backlog.failures),
                "backlog_mail": args.backlog,
                "backlog_mail_per_s": drain,
                "feed_s": round(feed_s, 1),
                "request_median_ms": {
                    kind: round(statistics.median(times) * 1000, 1)
                    for kind, times in feeder.latency.items()
                    if times
                },
                "wall_s": round(wall, 1),
                "outbox_drained": drained,
                "workers_ready": ready,
                **figures,
            }
            all_ok = (
                all_ok and figures["ok"] and not feeder.failures and not backlog.failures
            ) and drained
            say(
                f"{count} worker(s): backlog of {args.backlog} mails drained at {drain} "
                f"mail/s; {args.n} messages at once {dict(feeder.counts)} in {wall:.1f} s "
                f"(fed in {feed_s:.1f} s): {rate} msg/s; exactly once: {figures['ok']}; "
                f"load {os.getloadavg()[0]:.1f}"
            )
            if feeder.failures:
                say(f"  request failures: {dict(feeder.failures)}")
    finally:
        stop(web)
        sink.stop()
        connection.close()
    by_workers = drain_by_workers
    first, last = str(args.workers[0]), str(args.workers[-1])
    result.update(
        n=args.n,
        backlog=args.backlog,
        web_processes=args.webs,
        messages_per_s_by_workers=by_workers,
        scaling_3_over_1=(
            round(by_workers["3"] / by_workers["1"], 2)
            if {"1", "3"} <= by_workers.keys() and by_workers["1"]
            else None
        ),
        scaling_last_over_first=round(by_workers[last] / by_workers[first], 2)
        if by_workers.get(first)
        else None,
        mixed_messages_per_s_by_workers=mixed_by_workers,
        exactly_once=all_ok,
        phases=phases,
        load_avg=round(os.getloadavg()[0], 1),
        cpus=os.cpu_count(),
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="150 messages a phase")
    parser.add_argument("--n", type=int, default=600, help="messages a phase")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--workers", default="", help="worker counts, e.g. 1,3 (default)")
    parser.add_argument("--webs", type=int, default=2, help="web processes")
    parser.add_argument(
        "--backlog", type=int, default=0, help="mails drained per phase (default: n / 2)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.n = 150
    args.backlog = args.backlog or max(2, args.n // 2)
    if args.workers:
        args.workers = [int(w) for w in args.workers.split(",")]
    else:
        args.workers = [1] if args.db == "sqlite" else [1, 3]
    if args.db == "sqlite" and max(args.workers) > 1:
        parser.error("SQLite has one writer: --workers 1 only")
    with throwaway(args.db):
        print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
