"""Status webhooks move the delivery rows forward (sent → delivered → read), never back,
whatever order they come in; a platform's "failed" makes the row failed and shows it."""

from datetime import timedelta

import pytest

from kundsvar.cases.models import EventKind
from kundsvar.channels.social.models import SocialDelivery

from . import payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def acked(deliver, whatsapp, graph, now):
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.IN1", "Hej!", now)))
    row = SocialDelivery.objects.get()
    assert row.external_id == "wamid.OUT1"
    return row


def status(deliver, connection, *rows):
    return deliver(connection, payloads.whatsapp(statuses=list(rows)))


def test_whatsapp_statuses_move_forward_and_never_back(deliver, whatsapp, acked, now):
    later = now + timedelta(seconds=30)
    status(deliver, whatsapp, payloads.wa_status("wamid.OUT1", "read", later))
    status(deliver, whatsapp, payloads.wa_status("wamid.OUT1", "delivered", now))  # late
    acked.refresh_from_db()
    assert acked.platform_status == "read" and acked.state == "sent"


def test_a_whatsapp_failed_status_fails_the_row_visibly(deliver, whatsapp, acked, now):
    errors = [
        {
            "code": 131026,
            "title": "Message undeliverable",
            "message": "Message undeliverable",
            "error_data": {"details": "Receiver is incapable of receiving this message"},
        }
    ]
    status(deliver, whatsapp, payloads.wa_status("wamid.OUT1", "failed", now, errors))
    acked.refresh_from_db()
    assert acked.state == "failed" and acked.platform_status == "failed"
    assert "131026" in acked.last_error and "incapable" in acked.last_error
    event = acked.case.events.get(kind=EventKind.DELIVERY_FAILED)
    assert event.data["channel"] == "whatsapp"


def test_a_status_for_a_message_not_sent_from_here_is_retried_then_let_go(
    deliver, whatsapp, graph, now, time_machine
):
    from kundsvar.channels.hooks import services as hooks
    from kundsvar.channels.hooks.models import InboundHook

    status(deliver, whatsapp, payloads.wa_status("wamid.ELSEWHERE", "delivered", now))
    hook = InboundHook.objects.get()
    assert hook.state == "pending" and "ELSEWHERE" in hook.last_error  # may be our race
    time_machine.shift(timedelta(minutes=11))
    hooks.process_due()
    hook.refresh_from_db()
    assert hook.state == "done"


def test_messenger_delivery_and_read_receipts(deliver, messenger, graph, now):
    deliver(messenger, payloads.messenger(payloads.text_event("m_IN1", "Hej!", now), at=now))
    row = SocialDelivery.objects.get()
    deliver(
        messenger,
        payloads.messenger(
            payloads.delivery_event([row.external_id], now + timedelta(seconds=5)), at=now
        ),
    )
    row.refresh_from_db()
    assert row.platform_status == "delivered"
    watermark = now + timedelta(minutes=1)
    deliver(messenger, payloads.messenger(payloads.read_event(watermark, watermark), at=now))
    row.refresh_from_db()
    assert row.platform_status == "read"
