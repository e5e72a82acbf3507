"""/healthz for load balancers and /metrics for Prometheus.

/healthz answers 200 {"ok": true, "status": "ok"|"warn", "problems": [...], figures}
while the database answers (503 when it does not): a load balancer keeps a web process
that can serve. `/healthz?strict=1` (for monitoring) is 503 on any problem too: the
worker ran no task recently (its periodic jobs run every 30 s, so a worker
that is alive finishes one at least that often), the oldest task waiting to run is not
late (queue lag), the mail outbox backlog, and the free disk under VAR_DIR. Thresholds:
HEALTH_WORKER_MAX_AGE, HEALTH_QUEUE_LAG_MAX (seconds), HEALTH_DISK_MIN_FREE_MB.

/metrics is the same figures and a few counts in Prometheus' text format, for
`Authorization: Bearer $METRICS_TOKEN`; without METRICS_TOKEN it does not exist (404)."""

import hmac
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from kundsvar.cases.models import Case
from kundsvar.channels.email.models import (
    OAuthConnection,
    OAuthStatus,
    OutboundEmail,
    OutboundState,
    RawMessage,
)
from kundsvar.webhooks.models import DeliveryState, WebhookDelivery


def figures() -> dict:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    tasks = DBTaskResult.objects
    last_finished = tasks.aggregate(m=Max("finished_at"))["m"]
    oldest_ready = tasks.filter(status="READY", run_after__lte=now).aggregate(m=Min("run_after"))[
        "m"
    ]
    disk = shutil.disk_usage(_existing(Path(settings.VAR_DIR)))
    return {
        "database": "ok",
        "worker_last_task_age_seconds": (now - last_finished).total_seconds()
        if last_finished
        else None,
        "queue_lag_seconds": max(0.0, (now - oldest_ready).total_seconds())
        if oldest_ready
        else 0.0,
        "tasks_ready": tasks.filter(status="READY").count(),
        "outbox_queued": OutboundEmail.objects.filter(state=OutboundState.QUEUED).count(),
        "outbox_failed": OutboundEmail.objects.filter(state=OutboundState.FAILED).count(),
        "webhooks_queued": WebhookDelivery.objects.filter(state=DeliveryState.QUEUED).count(),
        # Shops whose Microsoft/Google sign-in ended: their mail waits for a reconnect. A
        # figure, not a problem: one shop's revoked consent is no reason to leave the pool.
        "mail_sign_ins_to_reconnect": OAuthConnection.objects.filter(
            status=OAuthStatus.RECONNECT
        ).count(),
        "disk_free_bytes": disk.free,
    }


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def problems(found: dict) -> list[str]:
    wrong = []
    age = found["worker_last_task_age_seconds"]
    if age is None or age > settings.HEALTH_WORKER_MAX_AGE:
        wrong.append(f"worker: no task finished in the last {settings.HEALTH_WORKER_MAX_AGE}s")
    if found["queue_lag_seconds"] > settings.HEALTH_QUEUE_LAG_MAX:
        wrong.append(f"queue: the oldest task has waited {found['queue_lag_seconds']:.0f}s")
    if found["disk_free_bytes"] < settings.HEALTH_DISK_MIN_FREE_MB * 1024 * 1024:
        wrong.append(f"disk: {found['disk_free_bytes'] // 1024 // 1024} MB free")
    return wrong


@never_cache
def healthz(request):
    try:
        found = figures()
    except Exception as error:  # noqa: BLE001 — the database is down: say so, 503
        body = {"ok": False, "status": "fail", "problems": [f"database: {error}"]}
        return JsonResponse(body, status=503)
    wrong = problems(found)
    strict = request.GET.get("strict") in ("1", "true")
    body = {"ok": not (wrong and strict), "status": "warn" if wrong else "ok", "problems": wrong}
    return JsonResponse({**body, **found}, status=503 if wrong and strict else 200)


@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse("unauthorized\n", status=401, content_type="text/plain")
    found = figures()
    lines = []
    for name, value in found.items():
        if isinstance(value, int | float):
            lines.append(f"# TYPE kundsvar_{name} gauge")
            lines.append(f"kundsvar_{name} {value}")
    lines.append("# TYPE kundsvar_cases gauge")
    for row in Case.objects.values("status").annotate(n=Count("pk")).order_by("status"):
        lines.append(f'kundsvar_cases{{status="{row["status"]}"}} {row["n"]}')
    lines.append("# TYPE kundsvar_raw_messages gauge")
    for row in RawMessage.objects.values("state").annotate(n=Count("pk")).order_by("state"):
        lines.append(f'kundsvar_raw_messages{{state="{row["state"]}"}} {row["n"]}')
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
