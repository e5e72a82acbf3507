import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


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
    help = "Run the web server (gunicorn) after applying migrations and collecting static files."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="No access log and only warnings from gunicorn (the demo).",
        )

    def handle(self, *args, bind, workers, quiet, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not (os.environ.get("KUNDSVAR_SITE_URL") or os.environ.get("SITE_URL")):
            os.environ["KUNDSVAR_SITE_URL"] = site_url_for(bind)
        logging = ["--log-level", "warning"] if quiet else ["--access-logfile", "-"]
        os.execvp(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kundsvar.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--graceful-timeout",
                "10",
                *logging,
            ],
        )
