from datetime import UTC, datetime

import pytest

# The day the fixed-date tests happen on: Monday 23 November 2026, 10:00 in Stockholm.
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(time_machine):
    """Wall-clock time just after T0, ticking, so code that asks for now() (the age of a
    message before it is acknowledged) sees the same day as the test's fixed dates."""
    time_machine.move_to(T0, tick=True)


@pytest.fixture
def queued_only(settings):
    """Tasks are recorded, not run: what the accept step does on its own, the rows left
    for a worker the test runs."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
