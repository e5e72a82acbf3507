"""The delivery-row machine (core.delivery) on its own: claims, the lease, the backoff and
the visible final failure, whatever the kind sends. The rows here are webhook deliveries
only because they are the smallest concrete kind; nothing is POSTed (`send` is a fake)."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.core.delivery import (
    FAILED,
    RETRY,
    SENT,
    Deliveries,
    DeliveryError,
    DeliveryState,
)
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MACHINE = Deliveries(WebhookDelivery, max_attempts=4)


@pytest.fixture
def endpoint():
    return WebhookEndpoint.objects.create(shop=ShopFactory(), url="https://hooks.example/k")


def row(endpoint, at=T0) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="case.created", payload={}, created_at=at, next_attempt_at=at
    )


def fresh(delivery) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=delivery.pk)


def refused(_row):
    raise OSError("Connection refused")


def test_of_two_workers_claiming_the_same_row_one_wins(endpoint):
    delivery = row(endpoint)
    assert MACHINE.claim(delivery.pk, T0) is True
    assert MACHINE.claim(delivery.pk, T0) is False  # the second worker sees 0 rows
    assert MACHINE.claim_next(T0) is None  # and nothing else is due
    got = fresh(delivery)
    assert got.claimed_until == got.next_attempt_at == T0 + MACHINE.lease


def test_workers_picking_due_rows_take_different_ones_oldest_first(endpoint):
    older, newer = row(endpoint, T0 - timedelta(minutes=1)), row(endpoint)
    row(endpoint, T0 + timedelta(minutes=1))  # not due yet
    first, second = MACHINE.claim_next(T0), MACHINE.claim_next(T0)
    assert (first.pk, second.pk) == (older.pk, newer.pk)
    assert MACHINE.claim_next(T0) is None


def test_a_worker_run_that_stops_early_leaves_the_rest_due(endpoint):
    rows = [row(endpoint) for _ in range(3)]
    for claimed in MACHINE.claim_due(T0):
        MACHINE.attempt(claimed, refused, T0)
        break  # e.g. the SMTP server is down: no point in trying the others
    assert [fresh(r).next_attempt_at for r in rows] == [T0 + MACHINE.backoff(1), T0, T0]


def test_the_lease_of_a_dead_worker_runs_out_and_another_takes_the_row(endpoint):
    delivery = row(endpoint)
    assert MACHINE.claim(delivery.pk, T0)  # ... and that worker dies mid-send
    just_before = T0 + MACHINE.lease - timedelta(seconds=1)
    assert not MACHINE.claim(delivery.pk, just_before)
    assert MACHINE.claim_next(just_before) is None
    taken = MACHINE.claim_next(T0 + MACHINE.lease)
    assert taken.pk == delivery.pk
    assert MACHINE.attempt(taken, lambda r: None, T0 + MACHINE.lease).result == SENT
    got = fresh(delivery)
    assert (got.state, got.attempts, got.claimed_until) == (DeliveryState.SENT, 1, None)
    assert got.delivered_at == T0 + MACHINE.lease  # the kind's own "sent at" column


def test_the_backoff_grows_to_its_cap():
    waits = [MACHINE.backoff(n) for n in (1, 2, 3, 4, 6, 7, 20)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 32, 60, 60)]
    slow = Deliveries(WebhookDelivery, max_attempts=3, first_wait=timedelta(seconds=10))
    assert [slow.backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]


def test_failed_attempts_wait_longer_each_time_then_fail_visibly(endpoint):
    delivery = row(endpoint)
    finals = []
    now, waits = T0, []
    for attempt in range(1, MACHINE.max_attempts + 1):
        claimed = MACHINE.claim_next(now)
        done = MACHINE.attempt(claimed, refused, now, on_final=lambda *a: finals.append(a))
        got = fresh(delivery)
        assert got.attempts == attempt and got.claimed_until is None
        if attempt < MACHINE.max_attempts:
            assert (done.result, got.state) == (RETRY, DeliveryState.QUEUED)
            waits.append(got.next_attempt_at - now)
            assert MACHINE.claim_next(got.next_attempt_at - timedelta(seconds=1)) is None
            now = got.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert done.result == FAILED and isinstance(done.error, OSError)
    assert (got.state, got.next_attempt_at) == (DeliveryState.FAILED, None)
    assert got.last_error == "OSError: Connection refused"  # shown to the team
    [(final_row, error, at)] = finals  # the caller's hook, once (e.g. an audit event)
    assert (final_row.pk, str(error), at) == (delivery.pk, "Connection refused", now)
    assert MACHINE.claim_next(now + timedelta(days=7)) is None  # nobody resends it


def test_a_permanent_error_fails_at_once(endpoint):
    delivery = row(endpoint)
    finals = []

    def gone(_row):
        raise DeliveryError("HTTP 410 Gone", permanent=True)

    done = MACHINE.attempt(MACHINE.claim_next(T0), gone, T0, on_final=lambda *a: finals.append(a))
    got = fresh(delivery)
    assert done.result == FAILED and len(finals) == 1
    assert (got.state, got.attempts, got.last_error) == ("failed", 1, "HTTP 410 Gone")


def test_giving_up_without_an_attempt_is_not_counted(endpoint):
    delivery = row(endpoint)
    finals = []
    MACHINE.give_up(
        MACHINE.claim_next(T0),
        "The endpoint was removed.",
        T0,
        on_final=lambda *a: finals.append(a),
    )
    got = fresh(delivery)
    assert (got.state, got.attempts, got.last_error) == ("failed", 0, "The endpoint was removed.")
    assert len(finals) == 1 and finals[0][1].permanent


def test_failure_and_success_record_the_kinds_own_columns(endpoint):
    delivery = row(endpoint)
    MACHINE.attempt(
        MACHINE.claim_next(T0), refused, T0, failure_fields=lambda e: {"last_status_code": 503}
    )
    assert fresh(delivery).last_status_code == 503
    later = T0 + MACHINE.backoff(1)
    MACHINE.attempt(MACHINE.claim_next(later), lambda r: {"last_status_code": 204}, later)
    got = fresh(delivery)
    assert (got.state, got.attempts, got.last_status_code, got.last_error) == ("sent", 2, 204, "")


def test_retry_now_skips_the_wait_and_leaves_a_row_in_flight_alone(endpoint):
    waiting, failed, in_flight, sent = (row(endpoint) for _ in range(4))
    later = T0 + timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=waiting.pk).update(attempts=2, next_attempt_at=later)
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        state=DeliveryState.FAILED, attempts=4, next_attempt_at=None
    )
    assert MACHINE.claim(in_flight.pk, T0)
    WebhookDelivery.objects.filter(pk=sent.pk).update(state=DeliveryState.SENT)
    ids = MACHINE.retry_now(WebhookDelivery.objects.all(), T0)
    assert sorted(ids) == sorted([waiting.pk, failed.pk])
    assert (fresh(waiting).next_attempt_at, fresh(waiting).attempts) == (T0, 2)
    assert (fresh(failed).state, fresh(failed).attempts) == ("queued", 0)
    assert fresh(in_flight).next_attempt_at == T0 + MACHINE.lease
    assert fresh(sent).state == "sent"


def test_a_row_taken_between_the_pick_and_the_claim_is_passed_over(endpoint, monkeypatch):
    # Without row locks (SQLite ignores SKIP LOCKED) another worker can claim the row
    # this one just picked: the conditional UPDATE then changes nothing, and it moves on.
    first, second = row(endpoint, T0 - timedelta(minutes=1)), row(endpoint)
    real_claim = Deliveries.claim
    raced = []

    def claim_after_another_worker(machine, pk, now):
        if not raced:
            raced.append(pk)
            assert real_claim(machine, pk, now)  # the other worker wins this one
        return real_claim(machine, pk, now)

    monkeypatch.setattr(Deliveries, "claim", claim_after_another_worker)
    assert MACHINE.claim_next(T0).pk == second.pk
    assert raced == [first.pk]
