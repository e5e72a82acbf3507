"""Live chat under load: a simulated hour of a shop's chat against the real server.

uvicorn serves kundsvar.asgi in a subprocess (one process on SQLite with the in-process
broker, as the demo runs it; two processes on PostgreSQL, so every event crosses
processes by LISTEN/NOTIFY). Real HTTP from asyncio streams: every customer holds a
real Server-Sent Events connection, every line is a real POST.

- Before the hour: 300 customers of the previous hour (their chats ended, as the shop's
  recent history) keep their chat pages open: at least `--customers` event streams are
  open all through the hour.
- The hour: `--customers` new customers start chats, 40 % of them in a 15-minute peak
  (so a queue forms and drains). 10 agents online, 3 chats at once each, take the
  oldest waiting chat when they have room, answer every line after a short typing
  pause (a typing signal first), and end the chat after a handle time drawn from a
  gamma distribution (mean 5 minutes). Customers answer twice at most.
- Time is compressed `--speed` times (default 30: the hour takes two minutes). The
  server measures waits and handle times in real seconds and the benchmark compares
  them in real seconds, so the ratio of shown to real wait does not depend on the
  compression; the delivery latency is real milliseconds.

Figures:
- `delivery_p95_ms`: from the POST of a line until the intended reader's event stream
  delivers it (the customer's for an agent's line, the agent's for a customer's).
- `wait_within_50pct`: share of the hour's chats whose wait shown at the start was
  within ±50 % of the real wait (start → taken), with a floor of 30 simulated seconds
  (a wait shown as "less than a minute" is right when it was under 90 seconds);
  `wait_within_50pct_strict` without the floor.
- `db_connections_peak` (PostgreSQL): the most server connections the web processes held
  at once (sampled); with the pool `kundsvar serve` gives each process, at most 2 × 10
  plus a LISTEN connection each, however many streams are open.

    python bench/chat.py [--quick] [--db sqlite|postgres] [--customers 300] [--speed 30]
                         [--dump waits.csv]

--quick: 60 customers, 4 agents, speed 60. Figures go to stderr; the last line is one
line of JSON.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

# bench/queue.py would shadow the standard library's `queue`: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway  # noqa: E402

HOUR = 3600.0
MEAN_HANDLE = 300.0  # simulated seconds
PER_AGENT = 3
PASSWORD = "bench-" + secrets.token_hex(4)


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# -- a minimal HTTP/1.1 client on asyncio streams -------------------------------------


class Http:
    def __init__(self, port: int):
        self.port = port

    async def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, dict]:
        body = urlencode(data).encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [
            f"POST {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            "Connection: close",
            *(f"{k}: {v}" for k, v in (headers or {}).items()),
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
        writer.close()
        status = int(raw.split(b" ", 2)[1])
        header_end = raw.index(b"\r\n\r\n")
        content = raw[header_end + 4 :]
        if b"transfer-encoding: chunked" in raw[:header_end].lower():
            content = _unchunk(content)
        try:
            return status, json.loads(content or b"{}")
        except ValueError:
            return status, {"raw": content[:200].decode(errors="replace")}


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


async def sse(port: int, path: str, on_event, headers: dict | None = None, ready=None):
    """Read an event stream until cancelled; `on_event(data_dict)` for each frame."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    head = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: text/event-stream",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"{path}: {status!r}")
    chunked = False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        chunked = chunked or line.lower().startswith(b"transfer-encoding: chunked")
    if ready is not None:
        ready.set()
    buffer = b""
    try:
        while True:
            if chunked:
                size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return
                buffer += await reader.readexactly(size)
                await reader.readexactly(2)
            else:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                buffer += chunk
            while b"\n\n" in buffer:
                frame, buffer = buffer.split(b"\n\n", 1)
                for line in frame.decode().splitlines():
                    if line.startswith("data: "):
                        on_event(json.loads(line[6:]))
    finally:
        writer.close()


# -- the world -------------------------------------------------------------------------


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundsvar.settings")
    django.setup()


def build_world(args, rng) -> dict:
    """The shop, its agents (with sessions), the chat settings and the previous hour's
    ended chats (the history the wait is computed from; their pages stay open)."""
    from datetime import timedelta

    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from kundsvar.accounts.models import Membership, Role
    from kundsvar.channels.chat import services
    from kundsvar.channels.chat.models import Chat, ChatSettings, ChatState
    from kundsvar.channels.chat.views import sign
    from kundsvar.shops.models import OpeningHours, Shop

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    shop = Shop.objects.create(name="Nordljus", slug="nordljus", email="kundtjanst@nordljus.se")
    OpeningHours.objects.bulk_create(
        OpeningHours(shop=shop, weekday=d, opens="00:00", closes="23:59") for d in range(7)
    )
    ChatSettings.objects.create(shop=shop, chats_per_agent=PER_AGENT, long_wait_minutes=10)
    agents = []
    for i in range(args.agents):
        agent = get_user_model().objects.create_user(
            f"agent{i}", password=PASSWORD, first_name=f"Agent{i}"
        )
        Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session.create()
        agents.append({"id": agent.pk, "session": session.session_key})
    # The previous hour: ended chats with handle times from the same distribution.
    now = timezone.now()
    history = []
    for i in range(args.open_history):
        chat = services.start(shop, services.Line(f"Tidigare fråga {i}"), name=f"Tidigare {i}")
        handle = rng.gammavariate(2, MEAN_HANDLE / 2) / args.speed
        ended = now - timedelta(seconds=rng.uniform(0, HOUR / args.speed))
        Chat.objects.filter(pk=chat.pk).update(
            state=ChatState.ENDED,
            started_at=ended - timedelta(seconds=handle + rng.uniform(0, 20) / args.speed),
            accepted_at=ended - timedelta(seconds=handle),
            ended_at=ended,
        )
        history.append(sign(chat))
    from kundsvar.channels.chat.models import shop_stream
    from kundsvar.live.queries import last_seq

    # Agents open the inbox now: their stream starts after what is already there.
    after = last_seq(shop_stream(shop.pk))
    return {"shop": shop.slug, "agents": agents, "history": history, "after": after}


# -- the simulation --------------------------------------------------------------------


class Sim:
    def __init__(self, args, port: int, world: dict, rng: random.Random):
        self.args, self.port, self.world, self.rng = args, port, world, rng
        self.http = Http(port)
        self.speed = args.speed
        self.sent: dict[str, float] = {}  # line tag → perf_counter at POST
        self.latencies: list[float] = []
        self.waiting: dict[int, dict] = {}  # chat id → summary, as the agents see it
        self.claimed: set[int] = set()
        self.tokens: dict[int, str] = {}  # chat id → customer token
        self.owner: dict[int, int] = {}  # chat id → agent id
        self.errors = 0
        self.requests = 0
        self.open_streams = 0
        self.peak_streams = 0
        self.csrf = secrets.token_hex(16)
        self.background: set[asyncio.Task] = set()

    def spawn(self, coroutine) -> None:
        """Run `coroutine` on its own, held here until done: the loop keeps only a weak
        reference to a task, and one waiting on a socket read is otherwise collected
        mid-flight ("Task was destroyed but it is pending") — an agent that never ends
        its chat, a line never sent."""
        task = asyncio.ensure_future(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def sim_sleep(self, seconds: float):
        return asyncio.sleep(seconds / self.speed)

    def tag(self) -> str:
        return f"[{secrets.token_hex(5)}]"

    def delivered(self, text: str) -> None:
        tag = text[text.rfind("[") :] if "[" in text else ""
        started = self.sent.pop(tag, None)
        if started is not None:
            self.latencies.append((time.perf_counter() - started) * 1000)

    async def post(self, path: str, data: dict, agent: dict | None = None):
        headers = {}
        if agent:
            headers = {
                "Cookie": f"sessionid={agent['session']}; csrftoken={self.csrf}",
                "X-CSRFToken": self.csrf,
            }
        self.requests += 1
        try:
            status, body = await self.http.post(path, data, headers)
        except OSError:
            self.errors += 1
            return 599, {}
        if status >= 500:
            self.errors += 1
            say(f"  {status} on {path}: {body}")
        return status, body

    async def stream(self, path: str, on_event, headers=None):
        self.open_streams += 1
        self.peak_streams = max(self.peak_streams, self.open_streams)
        ready = asyncio.Event()
        task = asyncio.ensure_future(sse(self.port, path, on_event, headers, ready))
        await asyncio.wait(
            [task, asyncio.ensure_future(ready.wait())],
            timeout=30,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if task.done() and task.exception():
            self.errors += 1
            say(f"  stream {path} failed: {task.exception()}")
        return task

    # -- agents --

    async def agent(self, me: dict, stop: asyncio.Event):
        mine: set[int] = set()

        def on_event(e):
            kind = e.get("kind")
            if kind == "chat_started":
                self.waiting[e["chat"]] = e
            elif kind in ("accepted", "transferred", "ended", "left"):
                self.waiting.pop(e["chat"], None)
            elif kind == "message" and e.get("direction") == "in":
                if self.owner.get(e["chat"]) == me["id"]:
                    self.delivered(e["text"])
                    if e["chat"] in mine and not e["text"].startswith("Hej"):
                        self.spawn(self.answer(me, e["chat"], "Jag förstår."))

        headers = {"Cookie": f"sessionid={me['session']}"}
        path = f"/cases/chat/events/?shop={self.shop_id}&after={self.world['after']}"
        task = await self.stream(path, on_event, headers)
        await self.post("/cases/chat/availability/", {"availability": "online"}, me)
        beat = 0.0
        while not stop.is_set():
            if time.monotonic() - beat > 20:
                beat = time.monotonic()
                self.spawn(self.post("/cases/chat/availability/", {"availability": "online"}, me))
            free = [
                c
                for c in sorted(self.waiting.values(), key=lambda c: c["started_at"])
                if c["chat"] not in self.claimed
            ]
            if len(mine) < PER_AGENT and free:
                chat = free[0]
                self.claimed.add(chat["chat"])
                status, _ = await self.post(f"/cases/chat/{chat['case']}/accept/", {}, me)
                if status == 200:
                    mine.add(chat["chat"])
                    self.owner[chat["chat"]] = me["id"]
                    self.spawn(self.handle(me, chat, mine))
                continue
            await asyncio.sleep(0.02)
        task.cancel()

    async def answer(self, me: dict, chat_id: int, text: str, typing: float = 15):
        case = self.cases[chat_id]
        await self.post(f"/cases/chat/{case}/typing/", {}, me)
        await self.sim_sleep(self.rng.uniform(0.5, 1.5) * typing)
        tag = self.tag()
        self.sent[tag] = time.perf_counter()
        await self.post(f"/cases/chat/{case}/send/", {"text": f"{text} {tag}"}, me)

    async def handle(self, me: dict, chat: dict, mine: set):
        self.cases[chat["chat"]] = chat["case"]
        handle = self.rng.gammavariate(2, MEAN_HANDLE / 2)
        await self.answer(me, chat["chat"], "Hej! Vad kan jag hjälpa till med?", typing=2)
        await self.sim_sleep(handle)
        await self.post(f"/cases/chat/{chat['case']}/end/", {}, me)
        mine.discard(chat["chat"])

    # -- customers --

    async def customer(self, i: int, stop: asyncio.Event):
        status, body = await self.post(
            f"/s/{self.world['shop']}/chat/start/",
            {"text": f"Hej, var är min order {20000 + i}?", "name": f"Kund {i}"},
        )
        if status != 201:
            return
        token = body["token"]
        replies = 0

        def on_event(e):
            nonlocal replies
            if e.get("kind") == "message" and e.get("direction") == "out":
                self.delivered(e["text"])
                if replies < 2:
                    replies += 1
                    self.spawn(self.say(token, f"Tack! En fråga till nr {replies}"))

        task = await self.stream(f"/chat/{token}/events/", on_event)
        await stop.wait()
        task.cancel()

    async def say(self, token: str, text: str):
        await self.sim_sleep(self.rng.uniform(10, 30))
        tag = self.tag()
        self.sent[tag] = time.perf_counter()
        await self.post(f"/chat/{token}/send/", {"text": f"{text} {tag}"})

    async def idle_customer(self, token: str, stop: asyncio.Event):
        task = await self.stream(f"/chat/{token}/events/", lambda e: None)
        await stop.wait()
        task.cancel()

    async def run(self) -> None:
        self.cases: dict[int, int] = {}
        stop = asyncio.Event()
        say(f"opening {len(self.world['history'])} event streams of the previous hour's chats")
        idle = []
        for token in self.world["history"]:
            idle.append(asyncio.ensure_future(self.idle_customer(token, stop)))
            await asyncio.sleep(0.005)
        agents = [asyncio.ensure_future(self.agent(a, stop)) for a in self.world["agents"]]
        await asyncio.sleep(1)
        say(f"{self.open_streams} streams open; the hour starts")
        started = time.monotonic()
        customers = []
        for i, at in enumerate(self.arrivals()):
            delay = started + at / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            customers.append(asyncio.ensure_future(self.customer(i, stop)))
        # The rest of the hour, then until the queue is empty and the chats have ended.
        await asyncio.sleep(max(0, started + HOUR / self.speed - time.monotonic()))
        deadline = time.monotonic() + 3 * MEAN_HANDLE / self.speed + 30
        while (self.waiting or self.sent) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await asyncio.sleep(4 * MEAN_HANDLE / self.speed)
        say(
            f"the hour took {time.monotonic() - started:.0f} s; {self.peak_streams} streams at peak"
        )
        stop.set()
        for task in self.background:
            task.cancel()
        await asyncio.gather(*agents, *customers, *idle, *self.background, return_exceptions=True)

    def arrivals(self) -> list[float]:
        n = self.args.customers
        peak = int(n * 0.4)
        times = [self.rng.uniform(0, HOUR) for _ in range(n - peak)]
        times += [self.rng.uniform(HOUR * 0.4, HOUR * 0.4 + 900) for _ in range(peak)]
        return sorted(times)


# -- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, vendor: str) -> subprocess.Popen:
    """uvicorn as `kundsvar serve` starts it (its broker, its connection pool)."""
    from kundsvar.ops.management.commands.serve import server_env

    env = {
        **server_env(vendor, workers),
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(  # noqa: S603 — our own interpreter and module
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kundsvar.asgi:application",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--lifespan",
            "off",
            "--timeout-graceful-shutdown",
            "2",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(1 if workers > 1 else 0.2)
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("uvicorn did not start")


def wait_figures(hour_start_ids: int, dump: str = "") -> tuple[float, float, int, dict]:
    from kundsvar.channels.chat.models import Chat

    chats = Chat.objects.filter(pk__gt=hour_start_ids, accepted_at__isnull=False)
    within = strict = total = 0
    floor = 30.0
    shown_all, real_all = [], []
    rows: list[tuple] = []
    for chat in chats:
        if chat.shown_wait_seconds is None:
            continue
        real = (chat.accepted_at - chat.started_at).total_seconds()
        shown = float(chat.shown_wait_seconds)
        at = (chat.started_at, chat.shown_position, chat.shown_free)
        rows.append((*at, shown * SPEED[0], real * SPEED[0]))
        total += 1
        shown_all.append(shown)
        real_all.append(real)
        strict += abs(shown - real) <= 0.5 * real
        within += abs(shown - real) <= max(0.5 * real, floor / SPEED[0])
    if dump:
        write_waits(dump, rows)
    extra = {
        "real_wait_p50_s": round(statistics.median(real_all) * SPEED[0], 1) if real_all else None,
        "real_wait_max_s": round(max(real_all) * SPEED[0], 1) if real_all else None,
        "shown_wait_p50_s": round(statistics.median(shown_all) * SPEED[0], 1)
        if shown_all
        else None,
    }
    return within / max(total, 1), strict / max(total, 1), total, extra


def write_waits(path: str, rows: list[tuple]) -> None:
    """--dump: each chat's start (simulated seconds into the run), its place in the queue
    the places free then,
    and the wait shown and real (simulated seconds), to see where an estimate went wrong."""
    rows.sort()
    first = rows[0][0] if rows else None
    with open(path, "w") as out:
        out.write("started_s,position,free,shown_s,real_s\n")
        for started, position, free, shown, real in rows:
            at = (started - first).total_seconds() * SPEED[0]
            out.write(f"{at:.0f},{position},{free},{shown:.1f},{real:.1f}\n")


SPEED = [30.0]


class ConnectionCounter(threading.Thread):
    """PostgreSQL: the most server connections the web processes held at once (sampled
    every half second; the bench's own sampling connection not counted)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self._done = threading.Event()
        self.start()

    def run(self) -> None:
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold", "pool"):
            params.pop(key, None)
        with psycopg.connect(**params, autocommit=True) as db:
            while not self._done.wait(0.5):
                row = db.execute(
                    "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()"
                ).fetchone()
                self.peak = max(self.peak, row[0] if row else 0)

    def stop(self) -> None:
        self._done.set()
        self.join(5)


def run(args) -> dict:
    rng = random.Random(args.seed)
    setup_django()
    SPEED[0] = args.speed
    world = build_world(args, rng)
    from django.db import connection

    from kundsvar.channels.chat.models import Chat
    from kundsvar.shops.models import Shop

    history_last = Chat.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    workers = 2 if connection.vendor == "postgresql" else 1
    vendor = connection.vendor
    connection.close()
    port = free_port()
    say(
        f"uvicorn on :{port}, {workers} process(es), {args.db}; {args.agents} agents, "
        f"{args.customers} customers, speed {args.speed}"
    )
    server = start_server(port, workers, vendor)
    sim = Sim(args, port, world, rng)
    sim.shop_id = Shop.objects.get(slug=world["shop"]).pk
    connection.close()
    counter = ConnectionCounter() if vendor == "postgresql" else None
    try:
        started = time.perf_counter()
        asyncio.run(sim.run())
        elapsed = time.perf_counter() - started
    finally:
        if counter:
            counter.stop()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    within, strict, measured, extra = wait_figures(history_last, args.dump)
    latencies = sorted(sim.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
    figures = {
        "bench": "chat",
        "db": args.db,
        "web_processes": workers,
        "customers": args.customers,
        "open_streams_min": len(world["history"]),
        "open_streams_peak": sim.peak_streams,
        "agents": args.agents,
        "speed": args.speed,
        "seconds": round(elapsed, 1),
        "lines_delivered": len(latencies),
        "lines_lost": len(sim.sent),
        "delivery_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "delivery_p95_ms": round(p95, 1) if p95 is not None else None,
        "delivery_max_ms": round(latencies[-1], 1) if latencies else None,
        "chats_measured": measured,
        "wait_within_50pct": round(within, 3),
        "wait_within_50pct_strict": round(strict, 3),
        **extra,
        "db_connections_peak": counter.peak if counter else None,
        "requests": sim.requests,
        "errors": sim.errors,
        "bench_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    say(json.dumps(figures, indent=1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 customers, 4 agents, speed 60")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--speed", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dump", default="", help="write each chat's shown and real wait (CSV)")
    args = parser.parse_args()
    if args.quick:
        args.customers, args.agents, args.speed = 60, 4, 60.0
    args.open_history = args.customers
    # Every customer of the benchmark comes from 127.0.0.1.
    os.environ["CHAT_STARTS_PER_ADDRESS"] = str(10 * (args.customers + args.open_history))
    with throwaway(args.db):
        print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
