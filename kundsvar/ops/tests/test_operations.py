"""Operations: /healthz for load balancers (strict for monitors), /metrics behind its
token, `kundsvar check --deploy` on the documented production settings, the security
headers, and the client's address behind a trusted proxy."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kundsvar.core.headers import TrustedProxyMiddleware, client_address

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def task(**fields) -> DBTaskResult:
    values = {
        "status": "SUCCESSFUL",
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "kundsvar.sla.tasks.sweep_deadlines",
        "queue_name": "default",
        "backend_name": "default",
        "run_after": timezone.now(),
        "exception_class_path": "",
        "traceback": "",
    }
    return DBTaskResult.objects.create(**{**values, **fields})


def test_healthz_is_ok_when_the_worker_is_alive_and_the_queue_is_short():
    task(finished_at=timezone.now() - timedelta(seconds=20))
    body = Client().get("/healthz?strict=1").json()
    assert (body["ok"], body["status"], body["problems"]) == (True, "ok", [])
    assert body["database"] == "ok" and body["disk_free_bytes"] > 0


def test_a_dead_worker_and_a_late_queue_fail_the_strict_check_only():
    task(finished_at=timezone.now() - timedelta(hours=1))
    task(status="READY", run_after=timezone.now() - timedelta(minutes=20))
    strict = Client().get("/healthz?strict=1")
    assert strict.status_code == 503
    assert [p.split(":")[0] for p in strict.json()["problems"]] == ["worker", "queue"]
    plain = Client().get("/healthz")  # a load balancer keeps the web process
    assert plain.status_code == 200 and plain.json()["status"] == "warn"


def test_metrics_need_the_token(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "m" * 32
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    text = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer " + "m" * 32).content.decode()
    assert re.search(r"^kundsvar_outbox_queued 0$", text, re.M)
    assert "# TYPE kundsvar_queue_lag_seconds gauge" in text


PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["support.butik.example"],
    "SITE_URL": "https://support.butik.example",
    "SECRET_KEY": "x" * 60 + "a-long-random-secret-key-for-production",
    "ENCRYPTION_KEYS": ["1TzQMbmH3QGU1fS6Nx2pNyPl_u3RshYBb28CKs8Cl2E="],
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_SSL_REDIRECT": True,
}


def test_check_deploy_passes_on_the_documented_production_settings(settings, monkeypatch):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    # The same dict the open connection reads: monkeypatch puts the engine back after the
    # test, or every later test in this process would connect with the wrong backend.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    # Set in this process by the browser tests for their live server; production has not.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    call_command("check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_names_what_is_missing(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    settings.ENCRYPTION_KEYS = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "kundsvar.W001" in str(failed.value) and "kundsvar.W004" in str(failed.value)


def test_pages_carry_a_strict_csp_with_a_nonce_and_the_other_headers():
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["Referrer-Policy"] == "same-origin"
    assert Client().get("/login/")["Content-Security-Policy"] != csp  # a new nonce each time
    assert nonce


def test_hsts_and_secure_cookies_over_https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_the_client_address_behind_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client can write anything on the left; the proxy appends what it saw.
    assert client_address("10.0.0.5", "6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert client_address("10.0.0.5", "203.0.113.9, 10.0.0.7") == "203.0.113.9"
    # Not from a proxy: the header is the client's own claim and is ignored.
    assert client_address("198.51.100.1", "203.0.113.9") == "198.51.100.1"
    seen = {}

    def view(request):
        seen.update(addr=request.META["REMOTE_ADDR"], proto=request.is_secure())
        return None

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_PROTO="https")
    TrustedProxyMiddleware(view)(request)
    assert seen == {"addr": "198.51.100.1", "proto": False}  # a client cannot claim https
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_X_FORWARDED_PROTO="https",
    )
    TrustedProxyMiddleware(view)(request)
    assert seen == {"addr": "203.0.113.9", "proto": True}
