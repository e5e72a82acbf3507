"""Structured logs: one JSON object a line, each carrying the request (or task) it belongs to.

`RequestIdMiddleware` (first in MIDDLEWARE, before the proxy middleware rewrites the
address) gives every request an id: the proxy's `X-Request-ID` when the request came
from a TRUSTED_PROXIES address and the id is well-formed, a new one otherwise. The id
goes back in the response's `X-Request-ID`, and every log line written while the request
runs carries it with the path, method, client address (behind the proxy, as
`core.headers` sees it) and the agent's id once the request has looked them up. The
middleware's own line at the end (logger `kundsvar.request`) adds status and duration.

In the worker, the task's id is the request id (and `task_id`) (`task_started`/`task_finished` of
django-tasks, connected in `core.apps`).

`LOG_FORMAT=json` (production, deploy/kundsvar.env.example) writes lines with
`JsonFormatter`; `text` (the default, for development) writes them for people, with the
request id in front."""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import empty

from kundsvar.core import headers

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("log_context", default=None)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")
FIELDS = ("request_id", "path", "method", "status", "duration_ms", "user_id", "client_ip")
request_logger = logging.getLogger("kundsvar.request")


def current() -> dict:
    return _context.get() or {}


def request_id_from(meta: dict) -> str:
    """The proxy's id when a trusted proxy sent a well-formed one; else a new one."""
    offered = meta.get("HTTP_X_REQUEST_ID", "")
    remote = meta.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXIES and headers.trusted(remote) and REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


def _user_id(request) -> int | None:
    """The agent's id if the request has looked them up; logging never queries for it."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return getattr(user, "pk", None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        request.request_id = request_id_from(meta)
        context = {
            "request_id": request.request_id,
            "path": request.path,
            "method": request.method,
            "client_ip": headers.client_address(
                meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", "")
            ),
            "request": request,
        }
        token = _context.set(context)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _context.reset(token)


def task_started(sender=None, task_result=None, **kwargs) -> None:
    # A task run at once inside a request (the immediate backend) nests in its context.
    outer = current()
    _context.set(
        {
            **outer,
            "request_id": outer.get("request_id") or str(task_result.id),
            "task_id": str(task_result.id),
            "task": task_result.task.module_path,
            "outer": _context.get(),
        }
    )


def task_finished(sender=None, task_result=None, **kwargs) -> None:
    _context.set(current().get("outer"))


class ContextFilter(logging.Filter):
    """Puts the request's (or task's) fields on every record passing the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        for field in ("request_id", "path", "method", "client_ip", "task_id", "task"):
            if field in context and not hasattr(record, field):
                setattr(record, field, context[field])
        if (request := context.get("request")) is not None and not hasattr(record, "user_id"):
            record.user_id = _user_id(request)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in (*FIELDS, "task_id", "task"):
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"[{request_id[:8]}] {text}" if request_id else text
