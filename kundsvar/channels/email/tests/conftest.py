from datetime import UTC, datetime

import pytest

# The day the fixed-date tests happen on: Monday 23 November 2026, 10:00 in Stockholm.
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(time_machine):
    """Wall-clock time just after T0, ticking, so code that asks for now() (the age of a
    message before it is acknowledged) sees the same day as the test's fixed dates."""
    time_machine.move_to(T0, tick=True)
