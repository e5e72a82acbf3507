"""The scale-out as deployed (docs/deploy.md): two web processes and several workers on
one database, fed mail, form posts and API calls at once — every message is processed
exactly once (A6). Runs `bench/scale.py` small; the figures are the bench's to report."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kundsvar.core.tests.realclock import real_clock_env

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_two_web_processes_and_workers_process_everything_exactly_once():
    # On PostgreSQL one worker and then three share the queue; SQLite has one writer.
    postgres = connection.vendor == "postgresql"
    command = [sys.executable, str(ROOT / "bench" / "scale.py"), "--n", "45"]
    command += ["--db", "postgres", "--workers", "1,3"] if postgres else ["--db", "sqlite"]
    run = subprocess.run(  # noqa: S603 (our own bench, fixed arguments)
        command,
        cwd=ROOT,
        env=real_clock_env(
            leave_out=("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "KUNDSVAR_VAR_DIR")
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["web_processes"] == 2
    assert list(figures["messages_per_s_by_workers"]) == (["1", "3"] if postgres else ["1"])
    for workers, phase in figures["phases"].items():
        assert phase["messages"] == {"mail": 27, "form": 9, "api": 9}, workers
        assert phase["request_failures"] == {}, workers
        assert phase["inbound_messages"] == phase["expected_inbound"], workers
        assert phase["raw_not_processed"] == 0
        assert phase["raw_processed_more_than_once"] == 0
        assert phase["tasks_claimed_twice"] == 0
        assert phase["tasks_failed"] == 0
        assert phase["cases_with_two_acks"] == 0
        assert phase["received_twice"] == 0 and phase["sent_not_received"] == 0
        assert phase["outbox_drained"]
    assert figures["exactly_once"] is True
