import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


def site_url_for(bind: str) -> str:
    """The address links in emails should use when the server listens on `bind`.

    A wildcard address is not somewhere a customer can go; 127.0.0.1 at least works on this
    machine, and production sets KUNDSVAR_SITE_URL (README "Configuration").
    """
    host, _, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 (recognising it, not binding)
        host = "127.0.0.1"
    return f"http://{host}:{port}" if port else f"http://{bind}"


class Command(BaseCommand):
    help = (
        "Run the web server (uvicorn, ASGI: live chat's event streams need it) after "
        "applying migrations and collecting static files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="No access log and only warnings from the server (the demo).",
        )

    def handle(self, *args, bind, workers, quiet, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not (os.environ.get("KUNDSVAR_SITE_URL") or os.environ.get("SITE_URL")):
            os.environ["KUNDSVAR_SITE_URL"] = site_url_for(bind)
        for name, value in server_env(connection.vendor, workers).items():
            os.environ.setdefault(name, value)
        os.execvp(sys.executable, [sys.executable, *uvicorn_args(bind, workers, quiet)])


# Database connections per web process on PostgreSQL: event streams hold none while
# they wait, so this is the sync requests in flight at once (the rest queue for one).
DB_POOL_PER_PROCESS = 10


def server_env(vendor: str, workers: int) -> dict[str, str]:
    """What the web processes are started with, unless the environment says otherwise."""
    env = {"LIVE_BROKER": live_broker_for(vendor, workers)}
    if vendor == "postgresql" and not settings.DATABASES["default"]["CONN_MAX_AGE"]:
        env["DB_POOL"] = str(DB_POOL_PER_PROCESS)
    return env


def live_broker_for(vendor: str, workers: int) -> str:
    """How live events reach every web process (kundsvar/live/brokers.py): Redis when
    LIVE_REDIS_URL is set; else NOTIFY on PostgreSQL; on SQLite the in-process hub for
    one process, else the table polled."""
    if settings.LIVE_REDIS_URL:
        return "redis"
    if vendor == "postgresql":
        return "postgres"
    return "local" if workers <= 1 else "poll"


def uvicorn_args(bind: str, workers: int, quiet: bool) -> list[str]:
    host, _, port = bind.rpartition(":")
    where = (
        ["--uds", bind.removeprefix("unix:")]
        if bind.startswith("unix:")
        else [
            "--host",
            host.strip("[]") or "127.0.0.1",
            "--port",
            port or "8000",
        ]
    )
    logging = ["--log-level", "warning", "--no-access-log"] if quiet else ["--log-level", "info"]
    return [
        "-m",
        "uvicorn",
        "kundsvar.asgi:application",
        *where,
        "--workers",
        str(max(1, workers)),
        # Open event streams get this long to end when the server stops.
        "--timeout-graceful-shutdown",
        "10",
        "--lifespan",
        "off",
        *logging,
    ]
