import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server (gunicorn) after applying migrations and collecting static files."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))

    def handle(self, *args, bind, workers, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        os.execvp(sys.executable, [
            sys.executable, "-m", "gunicorn", "kundsvar.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", "4",
            "--access-logfile", "-", "--graceful-timeout", "10",
        ])
