import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from kundsvar.core.schedule import SCHEDULE


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db worker) and enqueue periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--no-schedule", action="store_true",
                            help="Only run tasks; another worker enqueues periodic jobs.")

    def handle(self, *args, no_schedule=False, **options):
        child = subprocess.Popen([sys.executable, "-m", "kundsvar.cli", "db_worker",
                                  "--queue-name", "*", "--no-reload", "-v", "1"])
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_run: dict[str, float] = {}
        try:
            while not stopping and child.poll() is None:
                if not no_schedule:
                    self._enqueue_due(last_run)
                time.sleep(1)
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
        return None

    def _enqueue_due(self, last_run: dict[str, float]) -> None:
        now = time.monotonic()
        for job in SCHEDULE:
            if now - last_run.get(job.task, -job.every_seconds) >= job.every_seconds:
                import_string(job.task).enqueue()
                last_run[job.task] = now
