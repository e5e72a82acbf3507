"""The email digest: off, hourly or daily as the agent chose, in the agent's language,
through the staff mail path, and never twice for the same notification."""

import email
import email.policy
from datetime import timedelta

import pytest

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.notifications import services as notifications
from kundsvar.notifications.models import Notification

from .conftest import MONDAY_9

pytestmark = pytest.mark.django_db


def mails_to(address):
    rows = OutboundEmail.objects.filter(to_address__contains=address).order_by("id")
    return [email.message_from_bytes(bytes(m.mime), policy=email.policy.default) for m in rows]


def test_hourly_digest_carries_each_notification_once(shop, anna, bo):
    notifications.save_settings(bo, kinds=["assigned", "mention"], digest="hourly")
    case = open_email_case(shop, MONDAY_9, subject="Trasig lampa")
    services.assign(case, bo, actor=anna)
    assert notifications.send_digests(MONDAY_9 + timedelta(minutes=5)) == 1
    assert notifications.send_digests(MONDAY_9 + timedelta(minutes=6)) == 0  # not yet an hour
    assert notifications.send_digests(MONDAY_9 + timedelta(hours=2)) == 0  # nothing new
    services.add_note(case, anna, "@bo ring kunden")
    assert notifications.send_digests(MONDAY_9 + timedelta(hours=3)) == 1
    sent = mails_to("bo@nordljus.example")
    assert len(sent) == 2
    first, second = sent
    assert "1 new notification" in first["Subject"]  # Bo reads English
    text = first.get_body(("plain",)).get_content()
    assert f"Anna Berg assigned case #{case.number} to you" in text
    assert "Trasig lampa" in text
    assert "mentioned you" in second.get_body(("plain",)).get_content()
    assert "assigned" not in second.get_body(("plain",)).get_content()
    assert "ring kunden" in second.get_body(("html",)).get_content()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_daily_digest_in_swedish_after_seven_and_read_ones_left_out(shop, anna, bo):
    notifications.save_settings(anna, kinds=["assigned"], digest="daily")
    for sender in ("a@example.se", "b@example.se"):
        services.assign(open_email_case(shop, MONDAY_9, sender=sender), anna, actor=bo)
    notifications.mark_read(anna, [Notification.objects.first().pk])
    early = MONDAY_9.replace(hour=6) + timedelta(days=1)
    assert notifications.send_digests(early) == 0
    assert notifications.send_digests(early + timedelta(hours=1)) == 1
    assert notifications.send_digests(early + timedelta(hours=5)) == 0  # once a day
    (mail,) = mails_to("anna@nordljus.example")
    assert "1 ny avisering" in mail["Subject"]


def test_no_digest_when_off(shop, anna, bo):
    services.assign(open_email_case(shop, MONDAY_9), anna, actor=bo)
    assert notifications.send_digests(MONDAY_9 + timedelta(days=1)) == 0
