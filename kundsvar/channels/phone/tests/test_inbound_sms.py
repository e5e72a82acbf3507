"""An SMS is a message on the customer's case, matched by number (C5): a new question gets
the promise (S1–S3) and an SMS acknowledgement with the case number and the promise
(A1, A4); the next SMS threads onto the same case; a redelivery is the same message."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases.models import Case, Direction, EventKind
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.channels.phone.models import OutboundSms
from kundsvar.channels.phone.texts import short_promise
from kundsvar.customers.models import Customer
from kundsvar.customers.services import add_phone

from .conftest import FORM, elks_auth, twilio_post

pytestmark = pytest.mark.django_db


def elks_sms(client, phone, sms_id, text, number="+46701234567", **extra):
    url = reverse("phone:elks_sms", args=[phone.hook_token])
    data = {
        "direction": "incoming",
        "id": sms_id,
        "from": number,
        "to": phone.number,
        # 46elks' own time of arrival, in UTC: now (the `now` fixture's moment when frozen).
        "created": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "message": text,
    }
    return client.post(url, urlencode(data), FORM, **elks_auth(phone), **extra)


def test_an_sms_opens_a_case_with_the_promise_for_the_customer_by_number(
    client, elks, fake, now, django_capture_on_commit_callbacks
):  # C5, A1, A4
    known = Customer.objects.create(shop=elks.shop, name="Karin Berg")
    add_phone(known, "070-123 45 67", "SE")
    with django_capture_on_commit_callbacks(execute=True):
        response = elks_sms(client, elks, "sf8425555e5d8db61dda7a7b3f1b91bdb", "Var är mitt paket?")
    assert response.status_code == 204 and response.content == b""  # no automatic reply
    case = Case.objects.get()
    assert case.channel == "sms" and case.customer == known and case.due_at is not None
    message = case.messages.get()
    assert message.body_text == "Var är mitt paket?" and message.from_address == "+46701234567"
    ack = OutboundSms.objects.get(kind="ack")
    assert ack.state == "sent" and ack.to_number == "46701234567"
    assert f"#{case.number}" in ack.body and "Nätbutiken" in ack.body
    assert "senast" in ack.body  # the promise, in Swedish (A4)
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    [sent] = fake.sent
    assert sent.path == "/a1/sms" and sent.form["to"] == "+46701234567"
    assert sent.form["from"] == elks.number and sent.form["message"] == ack.body
    assert (
        "/report/" in sent.form["whendelivered"]
        and elks.hook_password in sent.form["whendelivered"]
    )


def test_a_second_sms_threads_onto_the_open_sms_case_without_a_second_receipt(
    client, elks, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s1", "Hej, var är min order 1001?")
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s2", "Glömde säga: den skulle till Malmö")
    case = Case.objects.get()
    assert [m.body_text for m in case.messages.filter(direction=Direction.INBOUND)] == [
        "Hej, var är min order 1001?",
        "Glömde säga: den skulle till Malmö",
    ]
    assert OutboundSms.objects.filter(kind="ack").count() == 1  # the promise stands


def test_a_redelivered_sms_is_stored_once_and_becomes_one_message(
    client, elks, now, django_capture_on_commit_callbacks
):  # A6, idempotent on the 46elks id
    for _ in range(3):  # 46elks retries for hours on anything but 2xx; say it did
        with django_capture_on_commit_callbacks(execute=True):
            assert elks_sms(client, elks, "s-same", "Hej!").status_code == 204
    assert InboundHook.objects.count() == 1
    assert InboundHook.objects.get().state == HookState.DONE
    assert Case.objects.get().messages.count() == 1


def test_a_twilio_sms_becomes_a_case_too(
    client, twilio_phone, fake, now, django_capture_on_commit_callbacks
):
    data = {
        "MessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
        "AccountSid": twilio_phone.account,
        "From": "+46701234567",
        "To": twilio_phone.number,
        "Body": "Kan jag byta storlek?",
        "NumMedia": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = twilio_post(client, twilio_phone, "twilio_sms", data)
    assert response.status_code == 200 and b"<Response></Response>" in response.content
    case = Case.objects.get()
    assert case.channel == "sms" and case.messages.get().body_text == "Kan jag byta storlek?"
    [sent] = fake.sent
    assert sent.path == f"/2010-04-01/Accounts/{twilio_phone.account}/Messages.json"
    assert sent.form["To"] == "+46701234567" and f"#{case.number}" in sent.form["Body"]


def test_the_acknowledgement_speaks_the_customers_language_and_can_be_switched_off(
    client, elks, now, django_capture_on_commit_callbacks
):  # R7, A4
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s-en", "Hello, where is my parcel? It has been a week now.")
    case = Case.objects.get()
    ack = OutboundSms.objects.get(kind="ack")
    assert case.language == "en" and "Thanks for your text" in ack.body
    assert short_promise(case.due_at, "en", case.shop.tz, now) in ack.body
    elks.sms_acknowledge = False
    elks.save()
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s-other", "Hej", number="+46709999999")
    assert OutboundSms.objects.filter(kind="ack").count() == 1


def test_an_answered_sms_case_gets_a_follow_up_with_the_shorter_target(
    client, elks, agent, now, django_capture_on_commit_callbacks
):  # S3
    from kundsvar.cases import services

    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s1", "Hej, när kommer min order?")
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(case, agent, "Den kommer i morgon.", now=now + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s2", "Tack, men vilken tid?")
    case.refresh_from_db()
    assert case.is_follow_up and case.due_at is not None
    assert Case.objects.count() == 1
