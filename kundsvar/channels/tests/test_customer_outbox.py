"""The channel-neutral outbox (channels.outbox): what commerce and, later, any app that
writes to customers calls, without knowing which channel carries the message."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail

from kundsvar.channels.email.models import OutboundEmail
from kundsvar.channels.outbox import OutboundKind, send_to_customer

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def built() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Nordljus <kundtjanst@nordljus.example>"
    message["To"] = "karin@example.se"
    message["Subject"] = "Din order 10234 har skickats"
    message["Message-ID"] = make_msgid(domain="nordljus.example")
    message.set_content("Hej Karin! Paketet är på väg.")
    return message


def test_a_message_without_a_case_is_queued_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = send_to_customer(built(), kind=OutboundKind.ORDER, now=T0)
    row = OutboundEmail.objects.get(pk=row.pk)
    assert (row.kind, row.case, row.case_message, row.to_address) == (
        "order",
        None,
        None,
        "karin@example.se",
    )
    assert row.created_at == T0 and row.state == "sent"
    [sent] = mail.outbox
    assert sent.to == ["karin@example.se"] and "på väg" in sent.body


def test_a_channel_that_cannot_write_to_customers_is_refused():
    with pytest.raises(ValueError, match="phone"):
        send_to_customer(built(), kind=OutboundKind.ORDER, now=T0, channel="phone")
    assert not OutboundEmail.objects.exists()
