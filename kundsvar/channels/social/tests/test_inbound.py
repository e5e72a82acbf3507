"""A customer's message on Messenger, Instagram or WhatsApp becomes a case through the one
intake path: the customer found by their platform id, the promise (A4), the language, the
acknowledgement on the platform. Redelivered, batched, out-of-order and unsupported
messages are each taken in once, and nothing is dropped (A6)."""

from datetime import timedelta

import pytest

from kundsvar.cases.models import Case, Direction, EventKind, Message
from kundsvar.channels.hooks import services as hooks
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.channels.social.models import PlatformMessage, SocialDelivery
from kundsvar.customers.models import CustomerHandle

from . import payloads

pytestmark = pytest.mark.django_db


def test_a_whatsapp_message_opens_a_case_for_the_customer_by_number(
    deliver, whatsapp, graph, now
):  # A4 C5
    body = payloads.whatsapp(
        payloads.wa_text("wamid.HBgLMTY1MDM4", "Hej! När kommer min beställning 10234?", now)
    )
    answer = deliver(whatsapp, body)
    assert answer.status_code == 200
    case = Case.objects.get()
    assert case.channel == "whatsapp" and case.due_at is not None and case.language == "sv"
    handle = CustomerHandle.objects.get(kind="whatsapp", value=payloads.WA_ID)
    assert case.customer == handle.customer and case.customer.name == "Sheena Nelson"
    assert case.customer.phones.get().normalized == payloads.WA_ID  # one history with SMS/phone
    message = case.messages.get()
    assert message.body_text == "Hej! När kommer min beställning 10234?"
    assert InboundHook.objects.get().state == HookState.DONE
    # The acknowledgement went out on WhatsApp, with the case number and the promise (A1, A4).
    ack = SocialDelivery.objects.get(kind="ack")
    assert ack.state == "sent" and ack.external_id.startswith("wamid.OUT")
    sent = graph.sent()[0]
    assert sent.path == f"/{payloads.PHONE_ID}/messages"
    assert sent.headers["Authorization"] == "Bearer token-whatsapp"
    text = sent.json()["text"]["body"]
    assert str(case.number) in text and "senast" in text
    assert sent.json()["to"] == payloads.WA_ID
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()


def test_a_messenger_message_in_english_gets_an_english_acknowledgement(
    deliver, messenger, graph, now
):  # A4 R7
    text = "Hello, my parcel has not arrived yet and the tracking page shows nothing at all."
    deliver(messenger, payloads.messenger(payloads.text_event("m_AAA1", text, now), at=now))
    case = Case.objects.get()
    assert case.channel == "messenger" and case.language == "en"
    assert case.customer.handles.get().value == payloads.PSID
    body = graph.sent()[0].json()
    assert body["recipient"] == {"id": payloads.PSID} and body["messaging_type"] == "RESPONSE"
    assert f"Your case number is {case.number}" in body["message"]["text"]
    assert graph.sent()[0].path == f"/{payloads.PAGE_ID}/messages"


def test_an_instagram_message_opens_an_instagram_case(deliver, instagram, graph, now):
    event = payloads.text_event(
        "aWdfZAG1", "Hej, har ni jackan i storlek M?", now, payloads.IGSID, payloads.IG_ID
    )
    deliver(instagram, payloads.instagram(event, at=now))
    case = Case.objects.get()
    assert case.channel == "instagram"
    assert case.customer.handles.get().kind == "instagram"
    assert graph.sent()[0].path == f"/{payloads.IG_ID}/messages"


def test_the_shop_can_turn_the_acknowledgement_off(deliver, messenger, graph, now):
    messenger.acknowledge = False
    messenger.save()
    deliver(messenger, payloads.messenger(payloads.text_event("m_1", "Hej hej", now), at=now))
    assert Case.objects.count() == 1 and graph.sent() == []


def test_a_second_message_joins_the_open_case_without_a_second_acknowledgement(
    deliver, whatsapp, graph, now
):
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.1", "Hej!", now)))
    later = now + timedelta(minutes=2)
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.2", "Ordernummer 10234", later)))
    case = Case.objects.get()
    assert case.messages.filter(direction=Direction.INBOUND).count() == 2
    assert SocialDelivery.objects.filter(kind="ack").count() == 1


def test_a_redelivered_body_is_not_a_second_message(deliver, whatsapp, graph, now):
    body = payloads.whatsapp(payloads.wa_text("wamid.SAME", "Hej!", now))
    deliver(whatsapp, body)
    assert deliver(whatsapp, body).json()["new"] is False
    # The same message in a differently batched body: a new hook, still one message.
    other = payloads.whatsapp(
        payloads.wa_text("wamid.SAME", "Hej!", now),
        payloads.wa_text("wamid.NEW", "Och en sak", now),
    )
    deliver(whatsapp, other)
    assert InboundHook.objects.count() == 2
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 2
    assert PlatformMessage.objects.count() == 2


def test_two_messages_in_one_post_are_two_messages_on_one_case(deliver, messenger, graph, now):
    body = payloads.messenger(
        payloads.text_event("m_1", "Hej!", now),
        payloads.text_event("m_2", "Jag undrar över min retur.", now + timedelta(seconds=3)),
        at=now,
    )
    deliver(messenger, body)
    case = Case.objects.get()
    assert [m.body_text for m in case.messages.filter(direction=Direction.INBOUND)] == [
        "Hej!",
        "Jag undrar över min retur.",
    ]
    assert InboundHook.objects.count() == 1


def test_out_of_order_bodies_sort_into_the_conversation(deliver, whatsapp, graph, now):
    first, second = now, now + timedelta(seconds=40)
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.2", "andra", second)))
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.1", "första", first)))
    case = Case.objects.get()
    texts = list(
        case.messages.filter(direction=Direction.INBOUND).values_list("body_text", flat=True)
    )
    assert texts == ["första", "andra"]
    assert case.last_inbound_at == second


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "x", "id": "9921"}),
        ("location", {"latitude": 59.33, "longitude": 18.06, "name": "Butiken"}),
        ("contacts", [{"name": {"formatted_name": "Per"}}]),
        ("brand_new_type", {"what": "is this"}),
    ],
)
def test_an_unsupported_whatsapp_type_is_a_visible_message_not_a_stuck_channel(
    deliver, whatsapp, graph, now, kind, content
):  # A6
    deliver(whatsapp, payloads.whatsapp(payloads.wa_typed("wamid.U", kind, content, now)))
    assert InboundHook.objects.get().state == HookState.DONE
    message = Message.objects.get(direction=Direction.INBOUND)
    assert "Meddelandetyp som inte kan visas" in message.body_text and kind in message.body_text
    assert "unsupported_message" in message.parse_warnings
    assert graph.sent() == []  # no acknowledgement of a sticker
    # The channel goes on: the next message is taken in as usual.
    deliver(
        whatsapp, payloads.whatsapp(payloads.wa_text("wamid.T", "Hej", now + timedelta(seconds=5)))
    )
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 2


def test_a_messenger_sticker_and_a_reaction_are_shown_on_the_case(deliver, messenger, graph, now):
    deliver(messenger, payloads.messenger(payloads.text_event("m_1", "Hej!", now), at=now))
    deliver(messenger, payloads.messenger(payloads.sticker_event("m_2", now), at=now))
    reaction = {
        "sender": {"id": payloads.PSID},
        "recipient": {"id": payloads.PAGE_ID},
        "timestamp": payloads.ms(now) + 10,
        "reaction": {
            "mid": "m_OUT1",
            "action": "react",
            "reaction": "love",
            "emoji": "\u2764\ufe0f",
        },
    }
    deliver(messenger, payloads.messenger(reaction, at=now))
    case = Case.objects.get()
    sticker = case.messages.get(platform_ids__external_id="m_2")
    assert "sticker" in sticker.body_text
    note = case.messages.get(direction=Direction.NOTE)
    assert "\u2764" in note.body_text
    assert InboundHook.objects.filter(state=HookState.DONE).count() == 3


def test_a_worker_killed_mid_burst_leaves_every_event_in_exactly_once(
    deliver, whatsapp, graph, now, time_machine
):  # A6
    bodies = [
        payloads.whatsapp(
            payloads.wa_text(f"wamid.B{i}", f"Meddelande {i}", now + timedelta(seconds=i))
        )
        for i in range(12)
    ]
    for body in bodies:  # stored; the worker never got to them (its callbacks are lost)
        assert deliver(whatsapp, body, execute=False).status_code == 200
    rows = list(InboundHook.objects.order_by("pk"))
    for hook in rows[:5]:  # the worker processes some …
        hooks.process(hook.pk)
    hooks.claim(rows[5].pk, now)  # … takes the sixth, and dies before finishing it
    # A redelivery of a processed body comes in meanwhile (Meta retries what it likes).
    deliver(whatsapp, bodies[2], execute=False)
    time_machine.shift(hooks.LEASE + timedelta(seconds=1))
    hooks.process_due()  # the next worker run
    texts = sorted(
        Message.objects.filter(direction=Direction.INBOUND).values_list("body_text", flat=True)
    )
    assert texts == sorted(f"Meddelande {i}" for i in range(12))
    assert set(InboundHook.objects.values_list("state", flat=True)) == {HookState.DONE}
    assert Case.objects.count() == 1


def test_a_new_messenger_customer_is_named_from_their_profile_once(
    deliver, messenger, graph, now
):  # R7
    graph.answer(
        "GET",
        f"/{payloads.PSID}",
        200,
        {"first_name": "Karin", "last_name": "Lind", "id": payloads.PSID},
    )
    deliver(messenger, payloads.messenger(payloads.text_event("m_1", "Hej!", now), at=now))
    deliver(
        messenger,
        payloads.messenger(
            payloads.text_event("m_2", "Hallå?", now + timedelta(seconds=9)), at=now
        ),
    )
    assert Case.objects.get().customer.name == "Karin Lind"
    profile_calls = [r for r in graph.requests if r.method == "GET"]
    assert len(profile_calls) == 1 and "fields=first_name%2Clast_name" in profile_calls[0].path


def test_a_refused_profile_leaves_the_customer_nameless_and_the_message_in(
    deliver, instagram, graph, now
):
    graph.fail("GET", f"/{payloads.IGSID}", 400, "(#200) Missing permission", code=200)
    event = payloads.text_event("ig_1", "Hej!", now, payloads.IGSID, payloads.IG_ID)
    deliver(instagram, payloads.instagram(event, at=now))
    assert Case.objects.get().customer.name == ""
