"""What `kundsvar serve` starts the web processes with: the live broker for the database
and, on PostgreSQL, a connection pool (event streams and async views must not each hold
a server connection: "too many clients" under a few hundred open chats)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kundsvar import settings as project_settings
from kundsvar.ops.management.commands.serve import server_env


def test_postgresql_gets_notify_and_a_pool(settings):
    settings.LIVE_REDIS_URL = ""
    assert server_env("postgresql", 2) == {"LIVE_BROKER": "postgres", "DB_POOL": "10"}


def test_sqlite_gets_the_hub_alone_or_the_polled_table_and_no_pool(settings):
    settings.LIVE_REDIS_URL = ""
    assert server_env("sqlite", 1) == {"LIVE_BROKER": "local"}
    assert server_env("sqlite", 2) == {"LIVE_BROKER": "poll"}


def test_redis_when_it_is_configured(settings):
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:6379/0"
    assert server_env("sqlite", 2)["LIVE_BROKER"] == "redis"
    assert server_env("postgresql", 2)["LIVE_BROKER"] == "redis"


def test_no_pool_beside_persistent_connections(settings, monkeypatch):
    settings.LIVE_REDIS_URL = ""
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 60)
    assert "DB_POOL" not in server_env("postgresql", 2)


def test_db_pool_sets_psycopgs_pool_on_postgresql_only(monkeypatch):
    monkeypatch.setenv("DB_POOL", "7")
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    db = project_settings._database("postgres://kv@127.0.0.1:5432/kundsvar")
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 7, "timeout": 30}
    assert "pool" not in project_settings._database("sqlite:////tmp/kv.sqlite3")["OPTIONS"]
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    with pytest.raises(ImproperlyConfigured):
        project_settings._database("postgres://kv@127.0.0.1:5432/kundsvar")


def test_postgresql_binds_values_on_the_server_unless_switched_off(monkeypatch):
    # Issue #11: intake statements planned once per connection; 0 for PgBouncer < 1.21.
    monkeypatch.delenv("DB_SERVER_SIDE_BINDING", raising=False)
    db = project_settings._database("postgres://kv@127.0.0.1:5432/kundsvar")
    assert db["OPTIONS"]["server_side_binding"] is True
    assert db["OPTIONS"]["prepare_threshold"] == 5
    sqlite = project_settings._database("sqlite:////tmp/kv.sqlite3")
    assert "server_side_binding" not in sqlite.get("OPTIONS", {})
    monkeypatch.setenv("DB_SERVER_SIDE_BINDING", "0")
    db = project_settings._database("postgres://kv@127.0.0.1:5432/kundsvar")
    assert "server_side_binding" not in db.get("OPTIONS", {})
    assert "prepare_threshold" not in db.get("OPTIONS", {})


@pytest.mark.django_db
@pytest.mark.skipif(
    project_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="prepared statements are PostgreSQL's",
)
def test_postgresql_prepares_a_statement_run_five_times():
    # Issue #11: Django switches psycopg's preparing off unless asked, and then the
    # server plans every statement anew (3.9 s of a bench run's 8.6 s in the server).
    from django.db import connection

    from kundsvar.shops.models import Shop

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):
        list(Shop.objects.filter(slug="no-such-shop-prepared"))
    assert prepared() == before + 1
