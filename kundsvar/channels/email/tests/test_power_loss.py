"""Issue #10, "SQLite power loss": with `synchronous=NORMAL` a committed RawMessage row
(and the case made from it) can vanish while the fsynced raw file stays. Every arrival
is first written down next to the raw file; the worker's sweep finds arrivals with no
row and takes them in again (rule A6: nothing the customer sent is dropped)."""

from datetime import timedelta

import pytest
from django.db import connection

from kundsvar.cases.models import Case
from kundsvar.channels.email import pipeline, rawstore, tasks
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import T0
from .mails import SHOP_ADDRESS, mail


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


def lose_power_after_accepting(shop, raw, time_machine):
    row = pipeline.receive(raw, shop=shop, source="smtp", envelope_to=[SHOP_ADDRESS])
    assert row.state == RawState.PROCESSED and rawstore.path_for(row.sha256).exists()
    # The last commits never reached the disk: the row and the case are gone.
    Case.objects.all().delete()
    RawMessage.objects.all().delete()
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    return row


@pytest.mark.django_db
def test_a_raw_message_whose_row_vanished_is_taken_in_again(shop, time_machine):  # A6
    time_machine.move_to(T0, tick=False)
    raw = mail(subject="Leveranstid jacka")
    lost = lose_power_after_accepting(shop, raw, time_machine)
    assert tasks.retry_failed_inbound.call() >= 1  # the worker's periodic task
    row = RawMessage.objects.get()
    assert (row.sha256, row.shop, row.source, row.envelope_to) == (
        lost.sha256,
        shop,
        "smtp",
        [SHOP_ADDRESS],
    )
    assert row.received_at == lost.received_at
    assert row.state == RawState.PROCESSED
    assert Case.objects.get().subject == "Leveranstid jacka"
    pipeline.recover_unrecorded()  # again: nothing twice
    assert RawMessage.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.django_db
def test_an_arrival_still_being_recorded_is_left_to_its_receiver(shop, time_machine):
    time_machine.move_to(T0, tick=False)
    sha = rawstore.put(mail())
    rawstore.note_arrival(
        sha, shop=shop.pk, source="smtp", size=1, envelope_to=[], received_at=T0, truncated=False
    )
    assert pipeline.recover_unrecorded() == 0  # a second ago: its receiver is on it
    assert not RawMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_arrivals_are_forgotten_once_their_rows_are_on_disk(shop, time_machine):
    time_machine.move_to(T0, tick=False)
    row = pipeline.receive(mail(), shop=shop, source="smtp")
    assert [sha for sha, _ in rawstore.arrivals()] == [row.sha256]
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    assert not connection.in_atomic_block
    assert pipeline.recover_unrecorded() == 0
    assert rawstore.arrivals() == []
    assert rawstore.get(row.sha256)  # the raw message itself stays, always


@pytest.mark.django_db
def test_one_unreadable_note_does_not_stop_the_sweep(shop, time_machine):  # A6
    time_machine.move_to(T0, tick=False)
    lose_power_after_accepting(shop, mail(), time_machine)
    (rawstore.root() / "arrivals" / f"{'0' * 64}.json").write_text("{torn")
    assert pipeline.recover_unrecorded() == 1
    assert Case.objects.count() == 1
