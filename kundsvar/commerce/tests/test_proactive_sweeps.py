"""The periodic sweeps: a late parcel gets the delayed message once (O1), and a few days
after delivery the customer is asked whether all is well (O8)."""

import email
import email.policy
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kundsvar.commerce import proactive, tasks
from kundsvar.commerce.models import (
    CommerceSettings,
    MessageKind,
    OrderMessage,
    Shipment,
    ShipmentStatus,
)
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


@pytest.fixture
def order():
    shop = ShopFactory(name="Nordljus", email="kundtjanst@nordljus.example")
    order = OrderFactory(shop=shop, number="10234", placed_at=local(2026, 11, 20, 10))
    OrderLineFactory(order=order)
    return order


@pytest.fixture
def parcel(order):
    """Expected Monday 23 – Wednesday 25 November."""
    return ShipmentFactory(
        order=order,
        shipped_at=local(2026, 11, 20, 15),
        expected_from=date(2026, 11, 23),
        expected_to=date(2026, 11, 25),
    )


def sent(message):
    """The message as queued in the outbox: its stored wire bytes, parsed."""
    return email.message_from_bytes(bytes(message.outbound.mime), policy=email.policy.default)


def delayed_messages():
    return OrderMessage.objects.filter(kind=MessageKind.DELAYED)


def sweep(time_machine, when) -> int:
    time_machine.move_to(when, tick=False)
    return proactive.sweep_delayed()


def test_not_delayed_while_the_window_lasts(parcel, time_machine):  # O1
    assert sweep(time_machine, local(2026, 11, 25, 23, 30)) == 0
    assert not delayed_messages().exists()


def test_delayed_once_the_window_has_passed_and_only_once(parcel, time_machine):  # O1
    assert sweep(time_machine, local(2026, 11, 26, 0, 30)) == 1  # 23:30 UTC the day before
    message = delayed_messages().get()
    assert message.key == f"delayed:{parcel.pk}"
    assert message.subject == "Nordljus: Din order 10234 är försenad"
    parcel.refresh_from_db()
    assert parcel.delay_notified_at == timezone.now()
    assert sweep(time_machine, local(2026, 11, 26, 9, 0)) == 0  # the next sweep
    assert sweep(time_machine, local(2026, 11, 30, 9, 0)) == 0
    assert delayed_messages().count() == 1


def test_a_delivered_parcel_is_never_delayed(parcel, time_machine):  # O1
    Shipment.objects.filter(pk=parcel.pk).update(
        delivered_at=local(2026, 11, 27, 12), status=ShipmentStatus.DELIVERED
    )
    assert sweep(time_machine, local(2026, 11, 30, 9, 0)) == 0
    assert not delayed_messages().exists()


def test_a_parcel_without_a_window_is_never_delayed(order, time_machine):  # O1
    ShipmentFactory(order=order, expected_from=None, expected_to=None)
    assert sweep(time_machine, local(2027, 1, 30, 9, 0)) == 0


def test_two_workers_never_send_twice(parcel, time_machine, monkeypatch):  # O1
    real = proactive._overdue

    def other_worker_first(shipment, now):
        # Between our read and our claim, another worker claims the same parcel.
        Shipment.objects.filter(pk=shipment.pk).update(delay_notified_at=now)
        return real(shipment, now)

    monkeypatch.setattr(proactive, "_overdue", other_worker_first)
    assert sweep(time_machine, local(2026, 11, 26, 9, 0)) == 0
    assert not delayed_messages().exists()


def test_a_switched_off_delay_message_is_not_sent(parcel, time_machine):  # O1
    CommerceSettings.objects.update_or_create(
        shop=parcel.order.shop, defaults={"notify_delayed": False}
    )
    sweep(time_machine, local(2026, 11, 26, 9, 0))
    assert not delayed_messages().exists()


def test_the_task_runs_the_sweep(parcel, time_machine):  # O1
    time_machine.move_to(local(2026, 11, 26, 9, 0), tick=False)
    assert tasks.sweep_delayed_parcels.enqueue().return_value == 1


# -- check-in after delivery (O8) -------------------------------------------------------


@pytest.fixture
def delivered(parcel):
    Shipment.objects.filter(pk=parcel.pk).update(
        delivered_at=local(2026, 11, 23, 10), status=ShipmentStatus.DELIVERED
    )
    return parcel


def check_ins(time_machine, when) -> int:
    time_machine.move_to(when, tick=False)
    return proactive.send_check_ins()


def test_check_in_after_the_shops_number_of_days(delivered, time_machine):  # O8
    assert check_ins(time_machine, local(2026, 11, 28, 9, 59)) == 0  # 5 days not yet up
    assert check_ins(time_machine, local(2026, 11, 28, 10, 0)) == 1
    assert check_ins(time_machine, local(2026, 11, 29, 10, 0)) == 0  # once
    message = OrderMessage.objects.get(kind=MessageKind.CHECK_IN)
    assert message.subject == "Nordljus: Är allt bra med din order 10234?"


def test_check_in_days_are_the_shops_setting(delivered, time_machine):  # O8
    CommerceSettings.objects.update_or_create(
        shop=delivered.order.shop, defaults={"check_in_days": 2}
    )
    assert check_ins(time_machine, local(2026, 11, 25, 10, 0)) == 1


def test_no_check_in_while_a_parcel_is_still_on_its_way(delivered, time_machine):  # O8
    ShipmentFactory(order=delivered.order)
    assert check_ins(time_machine, local(2026, 11, 30, 10, 0)) == 0


def test_no_check_in_at_night_or_when_stale(delivered, time_machine):  # O8
    assert check_ins(time_machine, local(2026, 11, 28, 23, 0)) == 0
    assert check_ins(time_machine, local(2026, 11, 28, 10, 0) + timedelta(days=15)) == 0


def test_no_check_in_when_switched_off(delivered, time_machine):  # O8
    CommerceSettings.objects.update_or_create(
        shop=delivered.order.shop, defaults={"notify_check_in": False}
    )
    assert check_ins(time_machine, local(2026, 11, 30, 10, 0)) == 0


def test_the_check_in_task(delivered, time_machine):  # O8
    time_machine.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), tick=False)
    assert tasks.send_check_ins.enqueue().return_value == 1


def test_one_failing_parcel_does_not_stop_the_sweep(parcel, time_machine, monkeypatch):  # O1
    other = ShipmentFactory(
        order=parcel.order, expected_to=date(2026, 11, 25), tracking_number="RR987654321SE"
    )
    real = proactive.on_change

    def broken_for_the_first(order, kind, *, obj=None, now=None):
        if obj.pk == parcel.pk:
            raise RuntimeError("template broke")
        return real(order, kind, obj=obj, now=now)

    monkeypatch.setattr(proactive, "on_change", broken_for_the_first)
    assert sweep(time_machine, local(2026, 11, 26, 9, 0)) == 1
    parcel.refresh_from_db()
    assert parcel.delay_notified_at is None  # rolled back: the next sweep tries again
    assert delayed_messages().get().key == f"delayed:{other.pk}"


def test_an_order_that_never_shipped_is_late_too(time_machine, order):  # O1
    """Waiting for goods that came late: the window passes with no parcel at all."""
    order.expected_from, order.expected_to = date(2026, 11, 23), date(2026, 11, 25)
    order.save(update_fields=["expected_from", "expected_to"])
    time_machine.move_to(local(2026, 11, 25, 18), tick=False)
    assert proactive.sweep_late_orders() == 0  # the last day of the window is not late
    time_machine.move_to(local(2026, 11, 26, 9), tick=False)
    assert proactive.sweep_late_orders() == 1
    assert proactive.sweep_late_orders() == 0  # once per window
    [message] = delayed_messages()
    assert message.key == "delayed:order:2026-11-25"
    assert message.subject == "Nordljus: Din order 10234 är försenad"
    text = sent(message).get_body(("plain",)).get_content()
    assert "har inte lämnat vårt lager" in text
    # A new, later window that passes too is news again.
    order.expected_to = date(2026, 11, 30)
    order.save(update_fields=["expected_to"])
    time_machine.move_to(local(2026, 12, 1, 9), tick=False)
    assert proactive.sweep_late_orders() == 1


def test_a_shipped_or_cancelled_order_is_not_swept_as_late(time_machine, order, parcel):  # O1
    order.expected_to = date(2026, 11, 25)
    order.save(update_fields=["expected_to"])
    OrderFactory(shop=order.shop, status="cancelled", expected_to=date(2026, 11, 25))
    time_machine.move_to(local(2026, 11, 27, 9), tick=False)
    assert proactive.sweep_late_orders() == 0  # the parcel has its own sweep
