import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from kundsvar.channels.email import outbox
from kundsvar.ops.schedule import SCHEDULE


def worker_commands() -> list[list[str]]:
    """db_worker for the outbound queue, and one for every other queue (inbound mail
    among them), warmed up first (warm_db_worker)."""
    base = [sys.executable, "-m", "kundsvar.cli"]
    options = ["--no-reload", "-v", "1"]
    return [
        [*base, "warm_db_worker", *options, "--queue-name", "*", "--exclude-queues", outbox.QUEUE],
        [*base, "db_worker", *options, "--queue-name", outbox.QUEUE],
    ]


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db worker) and enqueue periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only run tasks; another worker enqueues periodic jobs.",
        )

    def handle(self, *args, no_schedule=False, **options):
        call_command("createcachetable", verbosity=0)  # shared state of the outbox
        # Two worker processes: sending mail waits on SMTP servers (up to EMAIL_TIMEOUT a
        # try), and incoming mail must never wait behind it.
        children = [subprocess.Popen(command) for command in worker_commands()]
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_run: dict[str, float] = {}
        try:
            while not stopping and all(child.poll() is None for child in children):
                if not no_schedule:
                    self._enqueue_due(last_run)
                time.sleep(1)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
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
