"""A callback is a case on the channel "phone" with a promised time from the promise
engine (S1–S3, S5), confirmed by SMS ("vi ringer dig senast …"); one click logs each
attempt; attempts are limited and the customer is told about each (SMS, else email)."""

import email
import email.policy
from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases.models import Case, Direction, EventKind, Status
from kundsvar.channels.phone import calls
from kundsvar.channels.phone.callbacks import CallbackError, request_callback
from kundsvar.channels.phone.models import Call, CallbackState, OutboundSms, Source
from kundsvar.channels.phone.texts import short_promise
from kundsvar.customers.models import CustomerEmail
from kundsvar.sla.models import ResponsePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def hour_policy(shop):
    # Callbacks within an hour, a per-channel policy as the shop would set it (S1).
    return ResponsePolicy.objects.create(
        shop=shop, channel="phone", first_response_minutes=60, follow_up_minutes=30
    )


def test_a_callback_request_gets_the_promised_time_in_its_confirmation(
    elks, hour_policy, fake, time_machine, django_capture_on_commit_callbacks
):  # S5, A4
    now = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Stockholm
    time_machine.move_to(now, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        callback = request_callback(
            elks.shop, "070-123 45 67", name="Karin Berg", note="Om min retur", now=now
        )
    case = callback.case
    assert case.channel == "phone" and case.status == Status.NEW
    assert case.due_at == now + timedelta(minutes=60)  # a Wednesday 10:00, open till 17
    assert callback.number == "46701234567" and callback.state == CallbackState.WAITING
    assert callback.source == Source.CONTACT_PAGE and callback.max_attempts == 3
    assert case.customer.name == "Karin Berg"
    confirmation = OutboundSms.objects.get(kind="ack")
    promise = short_promise(case.due_at, "sv", elks.shop.tz, now)
    assert promise == "senast 11.00"
    assert confirmation.body == (
        f"Nätbutiken: Vi ringer dig senast 11.00 på +46701234567 (ärende #{case.number})."
    )
    assert fake.sent[0].form["message"] == confirmation.body


def test_a_second_request_from_the_same_number_joins_the_waiting_callback(elks, now):
    first = request_callback(elks.shop, "0701234567", now=now)
    again = request_callback(elks.shop, "+46 70 123 45 67", now=now + timedelta(minutes=3))
    assert again.pk == first.pk and Case.objects.count() == 1
    assert first.case.messages.filter(direction=Direction.INBOUND).count() == 2


def test_a_number_too_short_to_call_is_refused(shop, now):
    with pytest.raises(CallbackError):
        request_callback(shop, "112", now=now)
    assert not Case.objects.exists()


def test_reached_logs_the_call_and_answers_the_case(
    elks, agent, hour_policy, now, django_capture_on_commit_callbacks
):  # S4: a call that reached the customer is the answer, measured like a reply
    callback = request_callback(elks.shop, "0701234567", now=now)
    sent_before = OutboundSms.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call = calls.log_call(
            callback.case,
            agent,
            outcome="reached",
            duration_seconds=185,
            note="Returen är registrerad.",
            now=now + timedelta(minutes=20),
        )
    case = Case.objects.get()
    callback.refresh_from_db()
    assert call.answered and call.number == "46701234567" and call.agent == agent
    assert callback.state == CallbackState.DONE and callback.attempts == 1
    assert case.status == Status.ANSWERED and case.due_at is None
    assert case.first_response_at == now + timedelta(minutes=20)
    replied = case.events.get(kind=EventKind.REPLIED)
    assert replied.data["kept"] is True
    logged = case.messages.get(direction=Direction.OUTBOUND)
    assert "Returen är registrerad." in logged.body_text and "3 min 5 s" in logged.body_text
    assert OutboundSms.objects.count() == sent_before  # the call was the answer: no SMS


def test_no_answer_retries_later_and_the_customer_is_told_until_the_attempts_run_out(
    elks, agent, hour_policy, now, django_capture_on_commit_callbacks
):
    callback = request_callback(elks.shop, "0701234567", now=now)
    case = callback.case
    for attempt in (1, 2):
        at = now + timedelta(minutes=10 * attempt)
        with django_capture_on_commit_callbacks(execute=True):
            calls.log_call(case, agent, outcome="no_answer", now=at)
        case.refresh_from_db()
        callback.refresh_from_db()
        assert callback.attempts == attempt and callback.state == CallbackState.WAITING
        assert case.snoozed_until == at + calls.RETRY_AFTER  # back in the queue later
        assert case.due_at is not None  # still owed
        told = OutboundSms.objects.filter(kind="reply").latest("pk")
        assert f"försök {attempt} av 3" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        calls.log_call(case, agent, outcome="no_answer", now=now + timedelta(minutes=40))
    case.refresh_from_db()
    callback.refresh_from_db()
    assert callback.state == CallbackState.GAVE_UP and callback.attempts == 3
    assert case.status == Status.WAITING and case.due_at is None
    told = OutboundSms.objects.filter(kind="reply").latest("pk")
    assert "3 gånger" in told.body and "08-123 456 00" in told.body
    assert Call.objects.filter(outcome="no_answer").count() == 3
    assert case.messages.filter(direction=Direction.NOTE).count() == 3


def test_without_sms_the_customer_is_told_by_email_when_known(
    shop, agent, now, django_capture_on_commit_callbacks
):
    callback = request_callback(shop, "0701234567", now=now)  # no SMS connection
    CustomerEmail.objects.create(customer=callback.case.customer, shop=shop, address="k@ex.se")
    with django_capture_on_commit_callbacks(execute=True):
        calls.log_call(callback.case, agent, outcome="no_answer")
    row = callback.case.outbound.get()  # the email outbox's row (channels.outbox)
    sent = email.message_from_bytes(bytes(row.mime), policy=email.policy.default)
    assert row.to_address == "k@ex.se" and row.state == "sent"
    assert "försök 1 av 3" in sent.get_body(("plain",)).get_content()
    assert sent["Subject"] == f"Nätbutiken: Vi försökte ringa dig [#{callback.case.number}]"
    assert not OutboundSms.objects.exists()


def test_wrong_number_ends_the_callback_and_keeps_the_case_for_another_way(
    elks, agent, now, django_capture_on_commit_callbacks
):
    callback = request_callback(elks.shop, "0701234567", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        calls.log_call(callback.case, agent, outcome="wrong_number", note="Fel person svarade")
    callback.refresh_from_db()
    assert callback.state == CallbackState.WRONG_NUMBER
    assert Case.objects.get().status == Status.NEW  # still owed: an agent writes instead


def test_a_call_logged_by_hand_on_an_email_case_adds_the_number_to_the_customer(shop, agent, now):
    from kundsvar.cases.services import Inbound, open_case

    inbound = Inbound(from_address="k@ex.se", body_text="Hej", received_at=now)
    case = open_case(shop, "email", inbound)
    call = calls.log_call(
        case,
        agent,
        outcome="reached",
        direction="in",
        number="070-765 43 21",
        duration_seconds=60,
        now=now,
    )
    assert call.number == "46707654321" and call.direction == "in"
    assert list(case.customer.phones.values_list("normalized", flat=True)) == ["46707654321"]
    note = case.messages.get(direction=Direction.NOTE)
    assert "+46707654321" in note.body_text
    case.refresh_from_db()
    assert case.status == Status.NEW  # a note; an email case is answered by email


def test_a_call_without_an_outcome_or_a_number_is_refused(shop, agent, now):
    from kundsvar.cases.services import Inbound, open_case

    inbound = Inbound(from_address="k@ex.se", body_text="Hej", received_at=now)
    case = open_case(shop, "email", inbound)
    with pytest.raises(calls.CallError):
        calls.log_call(case, agent, outcome="missed", number="0701234567")
    with pytest.raises(calls.CallError):
        calls.log_call(case, agent, outcome="reached")  # no number known
