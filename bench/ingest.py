"""Inbound email throughput through the whole pipeline, on client mail as it really comes.

Generates mail in the styles of Outlook, Gmail and Apple Mail (multipart/alternative,
quoted history below the new text, Swedish and English, 6 % with a PDF or JPEG, replies
to our acknowledgements and second mails on earlier cases; bench/_mail.py) and feeds it
through the accept step (`pipeline.receive`: raw store, row, task) and the worker
(`worker.process_pending`: parse, classify, thread, new text, masking, case writes,
order matching, the acknowledgement in the outbox).

    python bench/ingest.py [--quick] [--n 3000] [--db sqlite|postgres] [--workers N]
                           [--batch 50] [--rate 50] [--profile] [--repeat 3]

Without --workers one process accepts a burst of --batch messages, then processes it
(the figure `messages_per_s` on SQLite). With --workers N the main process only accepts,
as the SMTP server does, while N worker processes claim and process in parallel
(PostgreSQL; SQLite has one writer, so one worker). `ack_latency_p95_s` is the time from
"accepted" to "acknowledgement row committed in the outbox": with workers measured on a
steady stream of --rate messages a second after the bursts (100 messages with --quick,
else 500) (the bursts' own is
`ack_latency_burst_p95_s`); without, over the bursts. With workers, last, a backlog
(200 messages with --quick, else 1000) is accepted while they wait and then worked off
by all of them: `drain_messages_per_s`, the workers' own rate, and `drain_cpu_ms`, where
the machine's CPU went meanwhile (ms per message: busy, idle, stolen by a virtual
machine's host, the workers', the local PostgreSQL server's; from Linux's /proc).

The shop has a small FAQ (FAQ below), so the acknowledgement's article search is
measured. Before timing, `worker.warm_up` loads what a long-running worker loads once.
The machine is shared: beside the wall figures, `cpu_messages_per_s` and `stage_cpu_ms`
are by this code's CPU time (with N workers: the processing shared N ways; the database
server's CPU is not counted on PostgreSQL). --profile profiles CPU time (sort with
BENCH_SORT, restrict with BENCH_FILTER=regex, BENCH_LINES=n).

Human lines (per-stage cost in ms per message) go to stderr; the last line on stdout is
one line of JSON.
"""

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

# bench/queue.py lives beside this file: keep the folder off the path so that the
# standard library's `queue` is the one Django's dependencies import.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._mail import Generator  # noqa: E402
from bench._throwaway import throwaway  # noqa: E402

STAGES = ("accept", "parse", "thread", "write", "acknowledge", "other")
# Where each stage's work is done: (module, function, stage). Patched by name so the
# bench follows the code; a function that moved is reported as missing, not guessed.
HOOKS = [
    ("kundsvar.channels.email.pipeline", "parse_email", "parse"),
    ("kundsvar.channels.email.pipeline", "classify", "parse"),
    ("kundsvar.channels.email.pipeline", "_inbound", "parse"),
    ("kundsvar.channels.email.loops", "automatic_kind", "parse"),
    ("kundsvar.intake.services", "prepare", "parse"),  # masking, cleaning, files stored
    ("kundsvar.channels.email.channel", "find_case", "thread"),
    ("kundsvar.channels.email.pipeline", "_same_message_id", "thread"),
    ("kundsvar.channels.email.pipeline", "_process", "write+thread"),
    ("kundsvar.intake.services", "follow_through", "acknowledge"),  # matching + ack
    # The batch's acknowledgements, stored together when the batch ends.
    ("kundsvar.channels.email.channel", "store_acknowledgements", "acknowledge"),
]
# Where acknowledgements are committed to the outbox, (case, message, mail) each: when
# each acknowledgement was queued.
ACK_HOOK = ("kundsvar.channels.email.channel", "store_acknowledgements")


def log(line: str = "") -> None:
    print(line, file=sys.stderr, flush=True)


class Meter:
    """Seconds per stage, SQL statements, and when each acknowledgement was committed,
    in the process that does the work."""

    def __init__(self):
        self.seconds = dict.fromkeys([*STAGES, "write+thread", "processing"], 0.0)
        self.cpu = dict.fromkeys(self.seconds, 0.0)  # the same, in this process's CPU time
        self.statements = {"accept": 0, "processing": 0}
        self.mode = "accept"
        self.acked: dict[str, float] = {}  # raw sha256 → wall-clock time acknowledged
        self.missing: list[str] = []
        self.active: set[str] = set()  # stages being timed now

    def install(self) -> None:
        import importlib

        from django.db import connection

        for module_name, name, stage in HOOKS:
            module = importlib.import_module(module_name)
            if not hasattr(module, name):
                self.missing.append(f"{module_name}.{name}")
                continue
            setattr(module, name, self._timed(getattr(module, name), stage))
        owner = importlib.import_module(ACK_HOOK[0])
        if hasattr(owner, ACK_HOOK[1]):
            setattr(owner, ACK_HOOK[1], self._noting(getattr(owner, ACK_HOOK[1])))
        else:
            self.missing.append(".".join(ACK_HOOK))
        connection.execute_wrappers.append(self._count)

    def _timed(self, function, stage):
        def timed(*args, **kwargs):
            if stage in self.active:  # inside the same stage already (counted there)
                return function(*args, **kwargs)
            start, cpu = time.perf_counter(), time.process_time()
            self.active.add(stage)
            try:
                return function(*args, **kwargs)
            finally:
                self.active.discard(stage)
                self.seconds[stage] += time.perf_counter() - start
                self.cpu[stage] += time.process_time() - cpu

        return timed

    def _noting(self, function):
        def noting(items, *args, **kwargs):
            result = function(items, *args, **kwargs)
            now = time.time()
            for _case, message, *_ in items:
                self.acked[message.raw_sha256] = now
            return result

        return noting

    def _count(self, execute, sql, params, many, context):
        if self.mode in self.statements:  # not the bench's own polling
            self.statements[self.mode] += 1
        return execute(sql, params, many, context)

    def process(self, limit: int) -> int:
        try:
            from kundsvar.channels.email import worker
        except ImportError:  # code from before the worker: accepting processed inline
            return 0
        self.mode, start, before = "processing", time.perf_counter(), self.statements["processing"]
        cpu = time.process_time()
        try:
            done = worker.process_pending(limit)
        finally:
            self.mode = "accept"
        if done:  # an idle worker's empty claims are waiting, not work on a message
            self.seconds["processing"] += time.perf_counter() - start
            self.cpu["processing"] += time.process_time() - cpu
        else:
            self.statements["processing"] = before
        return done

    def report(self) -> dict:
        return {
            "seconds": self.seconds,
            "cpu": self.cpu,
            "statements": self.statements,
            "acked": self.acked,
            "missing": self.missing,
            "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }


class Spool:
    """Generated mail on disk, read back one message at a time: the bench's own memory
    stays out of the pipeline's peak RSS."""

    def __init__(self, path: Path):
        self.path, self.spans = path, []
        self.handle = open(path, "ab+")  # noqa: SIM115 — open for the whole run

    def add(self, raw: bytes) -> None:
        self.handle.seek(0, os.SEEK_END)
        self.spans.append((self.handle.tell(), len(raw)))
        self.handle.write(raw)

    def read(self, index: int) -> bytes:
        offset, size = self.spans[index]
        self.handle.seek(offset)
        return self.handle.read(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 messages")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (0: one process does all)"
    )
    parser.add_argument("--batch", type=int, default=50, help="messages per claim")
    parser.add_argument(
        "--rate", type=float, default=50, help="messages/s of the steady stream (--workers)"
    )
    parser.add_argument("--profile", action="store_true", help="top functions to stderr")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs, each in a process of its own: medians"
    )
    args = parser.parse_args()
    if args.db == "sqlite" and args.workers > 1:
        parser.error("SQLite has one writer: --workers 1 at most")
    if args.repeat > 1:
        print(json.dumps(repeated(args.repeat)))
        return
    n = 300 if args.quick else args.n
    with throwaway(args.db) as workdir:
        result = run(n, args, workdir)
    print(json.dumps(result))


def repeated(runs: int) -> dict:
    """The same bench `runs` times, each in a fresh process and database (what one run
    loaded stays out of the next one's figures); every figure the median of the runs,
    and `runs_messages_per_s` each run's own."""
    import statistics

    argv, words = [], iter(sys.argv[1:])
    for word in words:  # the same arguments without --repeat
        if word == "--repeat":
            next(words, None)
        elif not word.startswith("--repeat="):
            argv.append(word)
    results = []
    for number in range(1, runs + 1):
        log(f"run {number} of {runs}")
        done = subprocess.run(
            [sys.executable, __file__, *argv], check=True, stdout=subprocess.PIPE, text=True
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    def median(values: list):
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(numbers) != len(values) or not numbers:
            return values[0]
        return round(statistics.median(numbers), 3)

    first = results[0]
    merged = {}
    for key, value in first.items():
        if isinstance(value, dict):
            merged[key] = {k: median([r[key][k] for r in results]) for k in value}
        else:
            merged[key] = median([r.get(key) for r in results])
    merged["runs"] = runs
    merged["runs_messages_per_s"] = [r["messages_per_s"] for r in results]
    log(f"median of {runs} runs: {merged['messages_per_s']} msg/s")
    return merged


def run(n: int, args, workdir: Path) -> dict:
    import email
    import email.policy

    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from kundsvar.channels.email.models import OutboundEmail
    from kundsvar.demo.shop import create_shop

    # The schema is made by a process of its own, as a deployment does before it starts its
    # workers: the migration graph (some 17 MB) is no part of a worker's peak RSS.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True)
    # The bench sends hours of mail in seconds: lift the per-shop-minute backstop so every
    # question is acknowledged, as it would be at a real pace (that work is what we time).
    settings.ACKS_PER_SHOP_PER_MINUTE = 10**9
    shop = create_shop()
    _faq(shop)
    generator = Generator(42, shop.name, shop.email, timezone.now)
    meter = Meter()
    meter.install()
    try:  # what a long-running worker loads once, before the first batch (not timed)
        from kundsvar.channels.email.worker import warm_up
    except ImportError:
        pass
    else:
        warm_up()
    pool = Pool(args, meter) if args.workers else None

    questions = Spool(workdir / "questions.mbox")
    for i in range(int(n * 0.7)):
        questions.add(generator.question(i))
    log(f"ingest: {n} messages, db={args.db}, workers={args.workers or 'none (one process)'}")
    first = drive(questions, shop, args, meter, pool, profile=args.profile)

    acks = OutboundEmail.objects.filter(kind="ack").order_by("?")[: n - len(questions.spans)]
    replies = Spool(workdir / "replies.mbox")
    for row in acks.iterator():
        ack = email.message_from_bytes(bytes(row.mime), policy=email.policy.default)
        replies.add(generator.reply(ack))
    second = drive(replies, shop, args, meter, pool) if replies.spans else None

    steady = drained = None
    if pool:
        stream = Spool(workdir / "stream.mbox")
        for i in range(100 if args.quick else 500):
            stream.add(generator.question(100_000 + i))
        steady = drive(stream, shop, args, meter, pool, rate=args.rate)
        backlog = Spool(workdir / "backlog.mbox")
        for i in range(200 if args.quick else 1000):
            backlog.add(generator.question(200_000 + i))
        drained = drain(backlog, shop, args, meter, pool)
        pool.stop()
    return summary(n, args, meter, pool, first, second, steady, drained)


FAQ = [  # a shop's help articles: the acknowledgement searches them for every question (A5)
    ("sv", "Leveranstider", "Vi skickar inom en arbetsdag. Leverans tar 2–4 arbetsdagar."),
    ("sv", "Retur och byte", "Du har 30 dagars öppet köp. Returfrakten är gratis; byt storlek."),
    ("sv", "Dubbeldragning och återbetalning", "Dras du två gånger betalar vi tillbaka."),
    ("sv", "Ändra leveransadress", "Adressen på en order går att ändra tills den skickats."),
    ("en", "Delivery times", "We ship within one working day; delivery takes 2–4 days."),
    ("en", "Returns", "You have 30 days to return; print the return label yourself."),
    ("en", "Charged twice", "If you were charged twice we refund the duplicate payment."),
]


def _faq(shop) -> None:
    from kundsvar.knowledge.search import index_articles
    from kundsvar.knowledge.services import create_article

    articles = [
        create_article(shop, title=title, body=body, language=language)
        for language, title, body in FAQ
    ]
    index_articles([a.pk for a in articles])  # on commit, which the bench has had


class Pool:
    """N worker processes that claim and process until told to stop."""

    def __init__(self, args, meter: Meter):
        from django.db import connections

        connections.close_all()  # each process its own connection, none shared by fork
        context = multiprocessing.get_context("fork")
        self.stop_event = context.Event()
        self.paused = context.Event()  # no new claims while set
        self.results = context.Queue()
        self.processes = [
            context.Process(
                target=_work, args=(self.stop_event, self.paused, self.results, args.batch)
            )
            for _ in range(args.workers)
        ]
        for process in self.processes:
            process.start()
        self.reports: list[dict] = []

    def stop(self) -> None:
        self.stop_event.set()
        self.reports = [self.results.get() for _ in self.processes]
        for process in self.processes:
            process.join()


def _work(stop_event, paused, results, batch: int) -> None:
    """A worker process: its own meter, hooks already installed by the parent (fork)."""
    from django.db import connections

    connections.close_all()
    meter = Meter()
    meter.install()
    while True:
        if paused.is_set() and not stop_event.is_set():
            time.sleep(0.005)
        elif meter.process(batch) == 0:
            if stop_event.is_set():
                break
            time.sleep(0.005)
    results.put(meter.report())


def drain(spool: Spool, shop, args, meter: Meter, pool: "Pool") -> dict:
    """The workers' own rate: a backlog accepted while they wait (an outage, a first
    IMAP poll), then processed by all of them at once; timed from their release until
    the last message is done. Accepting is not in it (on a real installation the SMTP
    server and the web processes accept beside the workers, on their own CPUs)."""
    pool.paused.set()
    time.sleep(0.2)  # a batch claimed just before the pause is finished first
    _wait_until_processed()
    drive(spool, shop, args, meter, pool, wait=False)
    pids = [p.pid for p in pool.processes]
    start, before = time.perf_counter(), _cpu_ticks(pids)
    pool.paused.clear()
    meter.mode = "waiting"
    _wait_until_processed()
    meter.mode = "accept"
    after = _cpu_ticks(pids)
    used = {k: after[k] - before[k] for k in after} if before and after else {}
    return {"n": len(spool.spans), "seconds": time.perf_counter() - start, "cpu_ticks": used}


def _cpu_ticks(worker_pids: list[int]) -> dict | None:
    """CPU clock ticks so far (Linux /proc): the workers', the local PostgreSQL server's
    processes', and the machine's busy, idle and stolen (a virtual machine's host taking
    the CPU) ticks. Where the drain's time went, on a machine the server shares."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[:8])
        ticks = {
            "busy": user + nice + system + irq + softirq,
            "idle": idle + iowait,
            "steal": steal,
            "workers": 0,
            "database": 0,
        }
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            pid = int(proc.name)
            try:
                stat = (proc / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            numbers = stat[stat.rindex(")") + 2 :].split()
            used = int(numbers[11]) + int(numbers[12])  # utime + stime
            if pid in worker_pids:
                ticks["workers"] += used
            elif name == "postgres":
                ticks["database"] += used
        return ticks
    except (OSError, ValueError):
        return None


def drive(
    spool: Spool, shop, args, meter: Meter, pool, *, rate=None, profile=False, wait=True
) -> dict:
    """Accept every message of `spool` (at `rate` a second, else as fast as possible) and
    wait until all are processed (unless not `wait`). Returns wall times."""
    from kundsvar.channels.email import pipeline

    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
    accepted: dict[str, float] = {}
    count, start = len(spool.spans), time.perf_counter()
    if profiler:
        profiler.enable()
    for index in range(count):
        raw = spool.read(index)
        if rate:
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        began, cpu = time.perf_counter(), time.process_time()
        row = pipeline.receive(raw, shop=shop, source="smtp")
        meter.seconds["accept"] += time.perf_counter() - began
        meter.cpu["accept"] += time.process_time() - cpu
        accepted[row.sha256] = time.time()
        if pool is None and (index + 1) % args.batch == 0:
            while meter.process(args.batch):
                pass
    if pool is None:
        while meter.process(args.batch):
            pass
    elif wait:
        meter.mode = "waiting"
        _wait_until_processed()
        meter.mode = "accept"
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(
            *filter(None, [os.environ.get("BENCH_FILTER")]),
            int(os.environ.get("BENCH_LINES", "60")),
        )
    return {"n": count, "seconds": time.perf_counter() - start, "accepted": accepted}


def _wait_until_processed() -> None:
    from kundsvar.channels.email.models import RawMessage, RawState

    waiting = RawMessage.objects.filter(state__in=[RawState.PENDING, RawState.PROCESSING])
    while waiting.exists():
        time.sleep(0.01)


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(0.95 * len(values)))], 3)


def _latencies(phase: dict | None, acked: dict[str, float]) -> list[float]:
    if not phase:
        return []
    return [acked[sha] - at for sha, at in phase["accepted"].items() if sha in acked]


def summary(n, args, meter: Meter, pool, first, second, steady, drained=None) -> dict:
    from kundsvar.cases.models import Attachment, Case, Message
    from kundsvar.channels.email.models import OutboundEmail, RawMessage

    reports = pool.reports if pool else [meter.report()]
    statements = {"accept": meter.statements["accept"], "processing": 0}
    acked: dict[str, float] = {}
    for report in reports:
        statements["processing"] += report["statements"]["processing"]
        acked.update(report["acked"])
    processed = RawMessage.objects.count()
    stage_ms = _stage_ms(meter, reports, "seconds", processed)
    stage_cpu_ms = _stage_ms(meter, reports, "cpu", processed)
    # CPU-bound rate: what the CPU time of this code allows, whatever else the machine runs
    # (the database server's own CPU is not in it on PostgreSQL). With N workers the
    # processing is shared N ways and accepting runs beside it in the main process.
    accept_cpu = stage_cpu_ms["accept"]
    processing_cpu = sum(v for k, v in stage_cpu_ms.items() if k != "accept")
    if pool:
        cpu_ms = max(accept_cpu, processing_cpu / args.workers)
    else:
        cpu_ms = accept_cpu + processing_cpu
    bursts = [p for p in (first, second) if p]
    burst_n = sum(p["n"] for p in bursts)
    burst_s = sum(p["seconds"] for p in bursts)
    burst_latency = _latencies(first, acked) + _latencies(second, acked)
    steady_latency = _latencies(steady, acked)
    rss_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        *(r["rss_kb"] for r in reports),
    )
    result = {
        "bench": "ingest",
        "db": args.db,
        "workers": args.workers,
        "n": burst_n,
        "messages_per_s": round(burst_n / burst_s, 1),
        "new_case_messages_per_s": round(first["n"] / first["seconds"], 1),
        "reply_messages_per_s": round(second["n"] / second["seconds"], 1) if second else None,
        "cpu_messages_per_s": round(1000 / cpu_ms, 1) if cpu_ms else None,
        "stage_ms": stage_ms,
        "stage_cpu_ms": stage_cpu_ms,
        "sql_per_message": {
            "accept": round(statements["accept"] / max(processed, 1), 1),
            "processing": round(statements["processing"] / max(processed, 1), 1),
        },
        "ack_latency_p95_s": _p95(steady_latency if steady else burst_latency),
        "ack_latency_burst_p95_s": _p95(burst_latency),
        "steady_rate": args.rate if steady else None,
        # --workers: how fast the workers together work off a backlog (accepting not in it)
        "drain_messages_per_s": round(drained["n"] / drained["seconds"], 1) if drained else None,
        # Where the CPU went while the backlog was worked off, ms per message (Linux)
        "drain_cpu_ms": _drain_cpu_ms(drained),
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "acknowledged": OutboundEmail.objects.filter(kind="ack").count(),
        "peak_rss_mb": round(rss_kb / 1024),
    }
    if any(r["missing"] for r in reports):
        result["stages_not_found"] = sorted({m for r in reports for m in r["missing"]})
    _print(result)
    return result


def _drain_cpu_ms(drained: dict | None) -> dict | None:
    if not drained or not drained.get("cpu_ticks"):
        return None
    ms_per_tick = 1000 / os.sysconf("SC_CLK_TCK")
    return {
        key: round(ticks * ms_per_tick / drained["n"], 2)
        for key, ticks in drained["cpu_ticks"].items()
    }


def _stage_ms(meter: Meter, reports: list[dict], clock: str, processed: int) -> dict:
    """Milliseconds per message by stage, by the wall clock ("seconds") or CPU ("cpu")."""
    seconds = dict.fromkeys(meter.seconds, 0.0)
    for report in reports:
        for key, value in report[clock].items():
            seconds[key] += value
    seconds["accept"] = getattr(meter, clock)["accept"]
    seconds["write"] += seconds["write+thread"] - seconds["thread"]
    work = ("parse", "thread", "write", "acknowledge")
    if not seconds["processing"]:  # code from before the worker: accept did it all
        seconds["processing"] = sum(seconds[s] for s in work)
        seconds["accept"] -= seconds["processing"]
    seconds["other"] = seconds["processing"] - sum(seconds[s] for s in work)  # claims, loads
    return {s: round(1000 * seconds[s] / max(processed, 1), 2) for s in STAGES}


def _print(result: dict) -> None:
    log(
        f"{result['messages_per_s']} msg/s over {result['n']} messages "
        f"(new cases {result['new_case_messages_per_s']}, replies "
        f"{result['reply_messages_per_s']}); peak RSS {result['peak_rss_mb']} MB"
    )
    log(f"{result['cpu_messages_per_s']} msg/s by CPU time; ms per message by stage:")
    log(f"  {'':<12} {'wall':>7} {'CPU':>7}")
    for stage, ms in result["stage_ms"].items():
        log(f"  {stage:<12} {ms:7.2f} {result['stage_cpu_ms'][stage]:7.2f}")
    sql = result["sql_per_message"]
    log(f"SQL statements per message: accept {sql['accept']}, processing {sql['processing']}")
    log(
        f"acknowledgement latency p95: {result['ack_latency_p95_s']} s "
        f"(bursts: {result['ack_latency_burst_p95_s']} s)"
    )
    if result.get("drain_messages_per_s"):
        log(f"the workers work off a backlog at {result['drain_messages_per_s']} msg/s")
        if result.get("drain_cpu_ms"):
            cpu = result["drain_cpu_ms"]
            log(
                "  CPU ms per message meanwhile: "
                + ", ".join(f"{key} {value}" for key, value in cpu.items())
            )
    if result.get("stages_not_found"):
        log(f"not timed (moved?): {', '.join(result['stages_not_found'])}")


if __name__ == "__main__":
    random.seed(1)
    main()
