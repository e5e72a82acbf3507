"""Test settings shared by every app's tests, and the test clock.

Time in tests: no test may depend on the real day. A test that means "any day" takes the `now`
fixture: time is frozen (ticking) at the moment given by `--today` (a fixed default, so
plain runs are deterministic), and `.ci/run` moves that moment to the awkward days (a June
Monday, 30 November, 23 December, the night the clocks go back). A test that means one
particular calendar situation travels there itself with time_machine.
"""

import select
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache

from kundsvar.core import batchcache

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# An ordinary working Wednesday morning: not one of the days .ci/run tries.
DEFAULT_TODAY = "2027-03-17T10:00"


def _sleep_on_select(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


# Under Debian's faketime (libfaketime 0.9.10, FAKETIME_DONT_FAKE_MONOTONIC=1, as .ci/at
# uses it) Python's time.sleep fails with EINVAL: libfaketime mangles the absolute
# clock_nanosleep it is built on. Faking the monotonic clock as well instead hangs every
# timed lock wait. So when sleeping is broken, sleep on select(), which it leaves alone.
try:
    time.sleep(0)
except OSError:
    time.sleep = _sleep_on_select


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        default=DEFAULT_TODAY,
        metavar="YYYY-MM-DD[THH:MM]",
        help="the moment the `now` fixture freezes time at, in Stockholm local time unless "
        "an offset is given (a date alone means 10:00; an ambiguous time in the night "
        f"the clocks go back is the first one, summer time). Default {DEFAULT_TODAY}.",
    )


def parse_today(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text if "T" in text or " " in text else f"{text}T10:00")
    except ValueError as error:
        raise pytest.UsageError(f"--today={text}: expected YYYY-MM-DD[THH:MM]") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)  # fold=0: the first 02:30 in October
    # In UTC: a Stockholm time in the October fold never compares equal to another zone's.
    return moment.astimezone(UTC)


def pytest_configure(config):
    config.today = parse_today(config.getoption("today"))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate-limit counters live in the cache: per process in tests, emptied after each test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Serve static files straight from the app folders (no collectstatic before tests).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "now" in item.fixturenames:
            # Set the clock before any other fixture makes rows that carry a time.
            item.fixturenames.remove("now")
            item.fixturenames.insert(0, "now")
            item.add_marker("today")


def pytest_report_header(config):
    local = config.today.astimezone(STOCKHOLM).isoformat()
    return f"today (--today, the `now` fixture): {local} = {config.today.isoformat()}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file in this process's temporary directory, not
    Django's default in-memory database with a shared cache. There, the browser tests'
    server threads took table locks that fail at once instead of waiting ("database table
    is locked: cases_caseview"), and a hung browser test hung CI after it. A file gets the
    WAL and the busy timeout of the settings, as in production. The directory is new for
    every run and every xdist worker (pytest keeps the last three runs' directories)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
def now(request, time_machine) -> datetime:
    """The moment `--today` names, as an aware datetime in UTC; the clock is frozen there
    and ticks on from it (code that stamps two rows in a row still sees them in order).
    UTC, not Stockholm time: `now + timedelta(...)` on a zoneinfo datetime is wall-clock
    arithmetic that drops the fold, so in the night the clocks go back "the second 02:30
    plus 5 seconds" came out an hour early (timezone.localtime(now) for the local day).
    Take `time_machine` too to move or shift the clock further."""
    time_machine.move_to(request.config.today, tick=True)
    return request.config.today


@pytest.fixture(autouse=True)
def _empty_cache():
    yield
    cache.clear()
    batchcache.drop_carried()  # a mail worker's settings, carried from batch to batch


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"  # the raw mail store lives here
