"""Two workers write their batches at the same moment on PostgreSQL (issue #11), each
batch in one transaction. Two batches with the same customers' mails in opposite orders
do not deadlock: each writes in the order of the senders' addresses, so both take the
customers' rows in the same order and one waits for the other's commit. Nothing is
lost or stored twice (A6). Transactional: one connection a thread."""

import logging
import threading

import pytest
from django.db import connection

from kundsvar.cases.models import Case, Message
from kundsvar.channels.email import pipeline, worker
from kundsvar.channels.email.models import OutboundEmail, RawMessage, RawState
from kundsvar.core.tests.atonce import at_once
from kundsvar.intake import services as intake
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import T0
from .mails import SHOP_ADDRESS, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_now")]


def test_two_batches_with_the_same_customers_in_opposite_order_do_not_deadlock(
    queued_only, monkeypatch, caplog
):  # A6
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer")
    shop = ShopFactory(email=SHOP_ADDRESS)

    def question(who: str, n: int) -> RawMessage:
        raw = mail(sender=f"{who} <{who}@example.se>", subject=f"{who} {n}", body=f"Fråga {n}")
        return pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)

    # Worker one got Anna's mail, then Bo's; worker two Bo's, then Anna's. After its
    # first message each waits (a moment at most) for the other to have written its
    # first: written in arrival order, each would then hold the customer the other
    # wants next, and PostgreSQL would end one batch as a deadlock.
    batches = [
        [question("anna", 1), question("bo", 1)],
        [question("bo", 2), question("anna", 2)],
    ]
    both_wrote_one = threading.Barrier(2, timeout=3)
    seen = threading.local()
    real_store = intake.store

    def store(*args, **kwargs):
        received = real_store(*args, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            try:
                both_wrote_one.wait()
            except threading.BrokenBarrierError:  # the other waits for this one's commit
                pass
        return received

    monkeypatch.setattr(intake, "store", store)
    turn = iter(batches)
    lock = threading.Lock()

    def work() -> int:
        with lock:
            rows = next(turn)
        claimed = [row for row in rows if pipeline.claim(row)]
        return worker.process_rows(claimed)

    with caplog.at_level(logging.WARNING):
        assert sorted(at_once(work, 2)) == [2, 2]
    assert "each on its own" not in caplog.text  # no batch failed
    assert set(RawMessage.objects.values_list("state", flat=True)) == {RawState.PROCESSED}
    # Every mail stored once, in a case of its sender's; every case acknowledged once.
    subjects = sorted(Message.objects.values_list("subject", flat=True))
    assert subjects == ["anna 1", "anna 2", "bo 1", "bo 2"]
    for case in Case.objects.all():
        assert {m.from_address for m in case.messages.all()} == {case.customer.primary_email}
    acks = OutboundEmail.objects.filter(kind="ack").values_list("case_id", flat=True)
    assert sorted(acks) == sorted(Case.objects.values_list("pk", flat=True))
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
