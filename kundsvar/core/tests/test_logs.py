"""Structured logs: every line written while a request (or a worker's task) runs is one
JSON object with the request's id, path, method, client address and agent; the request's
own closing line adds its status and duration."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_tasks import task

from kundsvar.core import logs
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

PROXY = "10.0.0.5"


@pytest.fixture
def lines():
    """The JSON lines the root logger writes, through the filter and formatter the
    settings configure for LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def view_that_logs(request):
    logging.getLogger("kundsvar.test").warning("looking at %s", "order 1001")
    return HttpResponse("ok", status=201)


def test_a_line_inside_a_request_carries_the_request(lines, settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().post("/orders/", REMOTE_ADDR="192.0.2.7")
    response = logs.RequestIdMiddleware(view_that_logs)(request)
    inner, closing = lines()
    assert response["X-Request-ID"] == inner["request_id"] == closing["request_id"]
    assert len(inner["request_id"]) == 32
    assert inner["message"] == "looking at order 1001"
    assert (inner["level"], inner["logger"]) == ("WARNING", "kundsvar.test")
    assert (inner["path"], inner["method"], inner["client_ip"]) == ("/orders/", "POST", "192.0.2.7")
    assert "status" not in inner and inner["time"].endswith("+00:00")
    assert closing["logger"] == "kundsvar.request"
    assert closing["status"] == 201 and closing["duration_ms"] >= 0


def test_the_proxys_request_id_and_client_address_are_taken_from_a_trusted_proxy(lines, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get(
        "/x/",
        REMOTE_ADDR=PROXY,
        HTTP_X_REQUEST_ID="abc123-from-nginx",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    response = logs.RequestIdMiddleware(view_that_logs)(request)
    assert response["X-Request-ID"] == "abc123-from-nginx"
    assert {(line["request_id"], line["client_ip"]) for line in lines()} == {
        ("abc123-from-nginx", "203.0.113.9")
    }


@pytest.mark.parametrize(
    ("remote", "offered"),
    [
        ("198.51.100.1", "abc123-from-the-client"),  # not a proxy: anyone can write it
        (PROXY, "bad id\nwith a newline"),
        (PROXY, "x" * 300),
    ],
)
def test_an_untrusted_or_malformed_request_id_is_replaced(lines, settings, remote, offered):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/x/", REMOTE_ADDR=remote, HTTP_X_REQUEST_ID=offered)
    response = logs.RequestIdMiddleware(view_that_logs)(request)
    assert response["X-Request-ID"] != offered
    assert lines()[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_the_whole_stack_logs_the_agent_and_answers_with_the_id(lines):
    agent = AgentFactory(shops=[ShopFactory()])
    client = Client()
    client.force_login(agent)
    response = client.get("/")
    closing = [line for line in lines() if line["logger"] == "kundsvar.request"][-1]
    assert closing["request_id"] == response["X-Request-ID"]
    assert closing["user_id"] == agent.pk and closing["status"] == response.status_code
    assert (closing["path"], closing["method"], closing["client_ip"]) == ("/", "GET", "127.0.0.1")


@task()
def noisy() -> None:
    logging.getLogger("kundsvar.test").info("in the task")


@pytest.mark.django_db
def test_a_task_s_lines_carry_the_task_id(lines):
    result = noisy.enqueue()
    line = next(line for line in lines() if line["message"] == "in the task")
    assert line["task_id"] == line["request_id"] == str(result.id)
    assert line["task"].endswith("noisy")
    logging.getLogger("kundsvar.test").info("after")
    assert "task_id" not in lines()[-1]


@pytest.mark.parametrize(("fmt", "is_json"), [("json", True), ("text", False)])
def test_log_format_chooses_the_lines_of_a_real_process(fmt, is_json, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LD_PRELOAD", "FAKETIME"))},
        "LOG_FORMAT": fmt,
        "KUNDSVAR_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kundsvar.settings",
    }
    code = "import django, logging; django.setup(); logging.getLogger('kundsvar.x').warning('hej')"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    line = run.stderr.strip().splitlines()[-1]
    if is_json:
        assert json.loads(line)["message"] == "hej"
    else:
        assert line.endswith("WARNING kundsvar.x hej")
