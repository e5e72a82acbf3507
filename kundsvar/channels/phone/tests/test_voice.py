"""A customer calls (C1, S5): while open, the agents' phones ring; closed or unanswered,
the caller is offered a callback with its promised time; a call that ends unanswered
becomes a callback case by itself, once, however often the provider retries."""

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from kundsvar.cases.models import Case
from kundsvar.channels.hooks.models import InboundHook
from kundsvar.channels.phone.models import Call, Callback, Outcome, Source

from .conftest import FORM, connect, elks_auth, twilio_post

pytestmark = pytest.mark.django_db
OPEN = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Stockholm
CLOSED = datetime(2027, 3, 17, 20, 0, tzinfo=UTC)  # Wednesday 21:00
CALL = {
    "direction": "incoming",
    "callid": "c45072a1eeafebccc3dffbd4d27b5ebcc",
    "from": "+46706861004",
    "to": "+46766860000",
    "created": "2027-03-17T09:00:00.000000",
}


def elks_post(client, phone, name, data):
    url = reverse(f"phone:{name}", args=[phone.hook_token])
    return client.post(url, urlencode(data), FORM, **elks_auth(phone))


@pytest.fixture
def elks_agents(shop):
    return connect(
        shop,
        "46elks",
        agent_numbers="+46701111111, +46702222222",
        ivr_prompt_url="https://cdn.example/ring-upp.mp3",
    )


@time_machine.travel(OPEN, tick=False)
def test_an_open_shop_rings_every_agent_phone_and_asks_to_hear_the_end(client, elks_agents):
    answer = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    assert answer["connect"] == "+46701111111,+46702222222"
    assert answer["callerid"] == "+46766860000"
    assert answer["next"].endswith(reverse("phone:elks_next", args=[elks_agents.hook_token]))
    assert f"kundsvar:{elks_agents.hook_password}@" in answer["next"]  # Basic auth for 46elks
    assert answer["whenhangup"].endswith(
        reverse("phone:elks_hangup", args=[elks_agents.hook_token])
    )


@time_machine.travel(CLOSED, tick=False)
def test_a_closed_shop_offers_a_callback_by_the_phone_menu(client, elks_agents):
    answer = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    assert "connect" not in answer
    assert answer["ivr"] == "https://cdn.example/ring-upp.mp3" and answer["digits"] == 1
    assert answer["next"].endswith(reverse("phone:elks_ivr", args=[elks_agents.hook_token]))


@time_machine.travel(OPEN, tick=False)
def test_a_missed_call_becomes_one_callback_case(
    client, elks_agents, django_capture_on_commit_callbacks
):  # S5
    with django_capture_on_commit_callbacks(execute=True):
        elks_post(client, elks_agents, "elks_voice", CALL)
    with django_capture_on_commit_callbacks(execute=True):
        after = elks_post(
            client, elks_agents, "elks_next", {"callid": CALL["callid"], "result": "failed"}
        )
    assert json.loads(after.content)["ivr"]  # nobody answered: the callback is offered
    for _ in range(2):  # whenhangup, and 46elks' retry of it
        with django_capture_on_commit_callbacks(execute=True):
            elks_post(client, elks_agents, "elks_hangup", {**CALL, "duration": "31"})
    call = Call.objects.get()
    assert call.outcome == Outcome.MISSED and not call.answered and call.duration_seconds == 31
    callback = Callback.objects.get()
    assert callback.source == Source.MISSED_CALL and callback.number == "46706861004"
    assert call.case == callback.case and callback.case.channel == "phone"
    assert "+46706861004" in callback.case.messages.get().body_text
    assert callback.case.due_at is not None


@time_machine.travel(OPEN, tick=False)
def test_an_answered_call_is_no_callback_even_when_the_hangup_is_processed_first(
    client, elks_agents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        elks_post(client, elks_agents, "elks_voice", CALL)
    # The connect result is stored but its processing waits (a busy worker) ...
    elks_post(client, elks_agents, "elks_next", {"callid": CALL["callid"], "result": "success"})
    with django_capture_on_commit_callbacks(execute=True):
        elks_post(client, elks_agents, "elks_hangup", {**CALL, "duration": "240"})
    call = Call.objects.get()
    assert call.answered and call.outcome == Outcome.REACHED and call.duration_seconds == 240
    assert not Callback.objects.exists() and not Case.objects.exists()


@time_machine.travel(CLOSED, tick=False)
def test_pressing_1_asks_for_a_callback_and_the_hangup_adds_none(
    client, elks_agents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        elks_post(client, elks_agents, "elks_voice", CALL)
        elks_post(client, elks_agents, "elks_ivr", {"callid": CALL["callid"], "result": "1"})
        elks_post(client, elks_agents, "elks_hangup", {**CALL, "duration": "20"})
    callback = Callback.objects.get()
    assert callback.source == Source.IVR and Case.objects.count() == 1
    call = Call.objects.get()
    assert call.callback_requested and call.case == callback.case
    # Closed at 21:00: the promise is the next morning, within the opening hours.
    local = callback.case.due_at.astimezone(callback.case.shop.tz)
    assert local.date().isoformat() == "2027-03-18" and 8 <= local.hour < 17


@time_machine.travel(OPEN, tick=False)
def test_twilio_rings_the_agents_and_offers_a_callback_when_nobody_answers(
    client, shop, django_capture_on_commit_callbacks
):
    phone = connect(shop, "twilio", agent_numbers="+46701111111")
    start = {
        "CallSid": "CA5d3f",
        "From": "+46706861004",
        "To": phone.number,
        "CallStatus": "ringing",
    }
    with django_capture_on_commit_callbacks(execute=True):
        twiml = twilio_post(client, phone, "twilio_voice", start).content.decode()
    assert "<Dial" in twiml and "<Number>+46701111111</Number>" in twiml
    assert 'language="sv-SE"' in twiml and "Välkommen till Nätbutiken" in twiml
    dial = {"CallSid": "CA5d3f", "DialCallStatus": "no-answer"}
    with django_capture_on_commit_callbacks(execute=True):
        offer = twilio_post(client, phone, "twilio_dial", dial).content.decode()
    assert (
        "<Gather" in offer and "Tryck 1 så ringer vi upp dig senast 16.00" in offer
    )  # 6 working hours (S1)
    gather = {"CallSid": "CA5d3f", "Digits": "1", "From": "+46706861004"}
    with django_capture_on_commit_callbacks(execute=True):
        thanks = twilio_post(client, phone, "twilio_gather", gather).content.decode()
    assert "Tack! Vi ringer dig senast 16.00." in thanks
    status = {"CallSid": "CA5d3f", "CallStatus": "completed", "CallDuration": "42"}
    with django_capture_on_commit_callbacks(execute=True):
        twilio_post(client, phone, "twilio_status", status)
    assert Callback.objects.get().source == Source.IVR
    call = Call.objects.get()
    assert call.duration_seconds == 42 and call.outcome == Outcome.MISSED
    assert InboundHook.objects.filter(provider="twilio").count() == 4


@time_machine.travel(OPEN, tick=False)
def test_a_twilio_call_that_hangs_up_unanswered_is_a_callback(
    client, shop, django_capture_on_commit_callbacks
):
    phone = connect(shop, "twilio", agent_numbers="+46701111111")
    with django_capture_on_commit_callbacks(execute=True):
        twilio_post(client, phone, "twilio_voice", {"CallSid": "CA9", "From": "+46706861004"})
        twilio_post(client, phone, "twilio_dial", {"CallSid": "CA9", "DialCallStatus": "busy"})
        twilio_post(client, phone, "twilio_status", {"CallSid": "CA9", "CallStatus": "completed"})
    assert Callback.objects.get().source == Source.MISSED_CALL
