"""Two workers write their batches at the same moment on PostgreSQL (issue #11): each
batch in one transaction, and no message lost or stored twice when the two batches lock
the same rows in opposite orders and PostgreSQL ends one of them as a deadlock: the
loser writes its messages one by one (A6). Transactional: one connection a thread."""

import threading

import pytest
from django.db import connection
from django.db.models import Count

from kundsvar.cases.models import Case, Message
from kundsvar.channels.email import pipeline, worker
from kundsvar.channels.email.models import OutboundEmail, RawMessage, RawState
from kundsvar.core.tests.atonce import at_once
from kundsvar.intake import services as intake
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import T0
from .mails import SHOP_ADDRESS, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_now")]


def test_two_batches_locking_the_same_customers_in_opposite_order_lose_nothing(
    queued_only, monkeypatch, caplog
):  # A6
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer")
    shop = ShopFactory(email=SHOP_ADDRESS)

    def question(who: str, n: int) -> RawMessage:
        raw = mail(sender=f"{who} <{who}@example.se>", subject=f"{who} {n}", body=f"Fråga {n}")
        return pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)

    # Worker one: Anna, then Bo; worker two: Bo, then Anna. Each writes its first
    # customer, then both wait here holding it, then each wants the other's.
    batches = [
        [question("anna", 1), question("bo", 1)],
        [question("bo", 2), question("anna", 2)],
    ]
    both_hold_one = threading.Barrier(2, timeout=20)
    seen = threading.local()
    real_store = intake.store

    def store(*args, **kwargs):
        received = real_store(*args, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            both_hold_one.wait()
        return received

    monkeypatch.setattr(intake, "store", store)
    turn = iter(batches)
    lock = threading.Lock()

    def work() -> int:
        with lock:
            rows = next(turn)
        claimed = [row for row in rows if pipeline.claim(row)]
        return worker.process_rows(claimed)

    assert sorted(at_once(work, 2)) == [2, 2]
    # PostgreSQL ended one batch as a deadlock; its messages were written one by one.
    assert "each on its own" in caplog.text
    assert set(RawMessage.objects.values_list("state", flat=True)) == {RawState.PROCESSED}
    # Every mail stored once, each in a case of its sender, each case acknowledged once.
    subjects = sorted(Message.objects.values_list("subject", flat=True))
    assert subjects == ["anna 1", "anna 2", "bo 1", "bo 2"]
    for case in Case.objects.annotate(n=Count("messages")):
        assert {m.from_address for m in case.messages.all()} == {case.customer.primary_email}
    acks = OutboundEmail.objects.filter(kind="ack").values_list("case_id", flat=True)
    assert sorted(acks) == sorted(Case.objects.values_list("pk", flat=True))
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
