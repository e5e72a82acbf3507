"""Servers a test starts (redis-server, the bench's web and worker processes) run on the
real clock: under Debian's faketime (.ci/at) they do not start or cannot sleep, and they
are other machines with clocks of their own anyway."""

import os


def is_faketime(name: str, value: str) -> bool:
    return (
        name.startswith("FAKETIME")
        or name == "NO_FAKE_STAT"
        or (name == "LD_PRELOAD" and "faketime" in value)
    )


def real_clock_env(*, leave_out: tuple[str, ...] = ()) -> dict:
    """This process's environment without libfaketime (and without `leave_out`)."""
    return {
        name: value
        for name, value in os.environ.items()
        if not is_faketime(name, value) and name not in leave_out
    }
