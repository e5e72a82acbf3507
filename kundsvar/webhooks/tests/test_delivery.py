"""Webhook deliveries against a real HTTP server on 127.0.0.1.

The worker is simulated: `services.send_due(now=t)` at explicit, advancing times, as the
worker calls it every 30 seconds. pytest-django does not commit, so "send after commit"
only runs where a test captures the on-commit callbacks and executes them.
"""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.webhooks import services
from kundsvar.webhooks.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint
from kundsvar.webhooks.tasks import send_due_webhooks

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
PAYLOAD = {"case": {"number": 10001, "shop": "natbutiken", "status": "new"}}


@pytest.fixture
def shop():
    return ShopFactory(slug="natbutiken")


@pytest.fixture
def endpoint(shop, receiver):
    return WebhookEndpoint.objects.create(shop=shop, url=receiver.url, secret="hemligt")


def fire(shop, event=Event.CASE_CREATED, payload=PAYLOAD, now=None):
    return services.fire(shop, event, payload, now=now)


def state(delivery) -> tuple:
    delivery.refresh_from_db()
    return delivery.state, delivery.attempts, delivery.last_status_code


def test_a_delivery_is_signed_and_says_what_happened(
    shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = fire(shop)
    [request] = receiver.requests
    assert request.path == "/hooks/kundsvar"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-Kundsvar-Event"] == "case.created"
    assert request.headers["X-Kundsvar-Delivery"] == str(delivery.pk)
    expected = hmac.new(b"hemligt", request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Kundsvar-Signature"], f"sha256={expected}")
    assert request.json == {
        "id": delivery.pk,
        "event": "case.created",
        "created_at": delivery.created_at.isoformat(),
        "data": PAYLOAD,
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("sent", 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None


def test_a_signature_with_another_secret_does_not_match(
    shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(shop)
    [request] = receiver.requests
    forged = hmac.new(b"gissat", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Kundsvar-Signature"] != f"sha256={forged}"


def test_nothing_is_sent_before_commit_or_for_a_write_that_rolled_back(
    shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            fire(shop)
            assert receiver.requests == []  # not yet: inside the transaction
            raise RuntimeError("the write failed")
    assert callbacks == [] and receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_one_delivery_per_endpoint_that_wants_the_event(shop, receiver):
    everything = WebhookEndpoint.objects.create(shop=shop, url=receiver.url)
    replies = WebhookEndpoint.objects.create(
        shop=shop, url=receiver.url + "/r", events=[Event.REPLY_SENT]
    )
    WebhookEndpoint.objects.create(shop=shop, url=receiver.url + "/off", active=False)
    WebhookEndpoint.objects.create(shop=ShopFactory(), url=receiver.url + "/other")
    assert {d.endpoint for d in fire(shop, Event.CASE_CREATED)} == {everything}
    assert {d.endpoint for d in fire(shop, Event.REPLY_SENT)} == {everything, replies}


def test_the_payload_is_built_only_for_an_endpoint_that_wants_it(shop, receiver):
    built = []

    def payload():
        built.append(1)
        return {"case": 1}

    assert services.fire(shop, Event.CASE_CREATED, payload) == []  # no endpoint at all
    WebhookEndpoint.objects.create(shop=shop, url=receiver.url, events=[Event.REPLY_SENT])
    assert services.fire(shop, Event.CASE_CREATED, payload) == []
    assert built == []
    (delivery,) = services.fire(shop, Event.REPLY_SENT, payload)
    assert delivery.payload == {"case": 1} and built == [1]


def test_an_endpoint_hears_about_every_event_by_default(shop):
    assert WebhookEndpoint(shop=shop, url="https://x.example").events == [
        "case.created",
        "message.received",
        "reply.sent",
        "case.closed",
    ]


def test_an_unknown_event_is_a_programming_error(shop, endpoint):
    with pytest.raises(ValueError, match="case.deleted"):
        fire(shop, "case.deleted")


def test_a_server_error_is_retried_and_the_delivery_arrives_once(shop, endpoint, receiver):
    receiver.answers = [500]
    t0 = timezone.now()
    [delivery] = fire(shop, now=t0)
    assert services.send(delivery.pk, now=t0) == "retry"
    assert state(delivery) == ("queued", 1, 500)
    assert delivery.next_attempt_at == t0 + timedelta(minutes=1)
    assert delivery.last_error.startswith("HTTP 500")
    assert services.send_due(now=t0 + timedelta(seconds=30)) == 0  # not due yet
    assert services.send_due(now=t0 + timedelta(minutes=1)) == 1
    assert state(delivery) == ("sent", 2, 200)
    assert services.send_due(now=t0 + timedelta(hours=5)) == 0
    first, second = receiver.requests
    # The same delivery again, byte for byte: the receiver can drop duplicates by id.
    assert first.body == second.body
    assert first.headers["X-Kundsvar-Delivery"] == second.headers["X-Kundsvar-Delivery"]
    assert first.headers["X-Kundsvar-Signature"] == second.headers["X-Kundsvar-Signature"]


def test_after_the_last_attempt_the_delivery_is_failed(shop, endpoint, receiver):
    receiver.answers = [503] * services.MAX_ATTEMPTS
    now = timezone.now()
    [delivery] = fire(shop, now=now)
    waits = []
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        result = services.send_due(now=now)
        delivery.refresh_from_db()
        assert (result, delivery.attempts) == (0, attempt)
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert state(delivery) == ("failed", services.MAX_ATTEMPTS, 503)
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=1)  # capped
    assert services.send_due(now=now + timedelta(days=1)) == 0
    assert len(receiver.requests) == services.MAX_ATTEMPTS


@pytest.mark.parametrize("status", [301, 302, 307, 400, 404, 410])
def test_anything_but_2xx_is_a_failure(shop, endpoint, receiver, status):
    receiver.answers = [status]
    [delivery] = fire(shop)
    assert services.send(delivery.pk) == "retry"
    assert state(delivery) == ("queued", 1, status)
    assert len(receiver.requests) == 1  # a redirect is not followed


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_any_2xx_is_delivered(shop, endpoint, receiver, status):
    receiver.answers = [status]
    [delivery] = fire(shop)
    assert services.send(delivery.pk) == "sent"
    assert state(delivery) == ("sent", 1, status)


def test_a_receiver_that_is_down_is_retried(shop, receiver):
    endpoint = WebhookEndpoint.objects.create(shop=shop, url="http://127.0.0.1:9/down")
    [delivery] = fire(shop)
    assert services.send(delivery.pk) == "retry"
    assert state(delivery) == ("queued", 1, None)
    assert "URLError" in delivery.last_error and endpoint.deliveries.count() == 1


def test_a_slow_receiver_times_out(shop, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(services, "TIMEOUT", 0.2)
    receiver.delay = 1
    [delivery] = fire(shop)
    assert services.send(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error


def test_two_workers_send_a_delivery_once(shop, endpoint, receiver):
    now = timezone.now()
    [delivery] = fire(shop, now=now)
    assert services._claim(delivery.pk, now)  # another worker holds it
    assert services.send(delivery.pk, now=now) == "skipped"
    assert services.send_due(now=now + timedelta(minutes=1)) == 0
    # That worker died: after the lease the row is picked up again.
    assert services.send_due(now=now + services.LEASE) == 1
    assert len(receiver.requests) == 1


def test_a_switched_off_endpoint_gets_nothing_more(shop, endpoint, receiver):
    [delivery] = fire(shop)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert services.send(delivery.pk) == "failed"
    assert state(delivery) == ("failed", 0, None)
    assert receiver.requests == []


def test_only_http_urls_are_called(shop, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="file:///etc/passwd")
    [delivery] = fire(shop)
    assert services.send(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error == "Only http and https URLs are called."
    assert receiver.requests == []


def test_failed_deliveries_can_be_sent_again(
    shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    [delivery] = fire(shop)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, attempts=services.MAX_ATTEMPTS, next_attempt_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_again(WebhookDelivery.objects.all()) == 1
    assert state(delivery) == ("sent", 1, 200)
    assert len(receiver.requests) == 1


def test_the_periodic_task_sends_what_is_due(shop, endpoint, receiver):
    fire(shop, now=timezone.now() - timedelta(minutes=1))
    assert send_due_webhooks.call() == 1
    assert len(receiver.requests) == 1


def test_backoff_doubles_up_to_an_hour():
    assert [services.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 6, 7, 16)] == [
        1,
        2,
        4,
        32,
        60,
        60,
    ]
