"""The chat's doors: a customer reaches their chat only with its signed token; an agent
only the chats of their own shops; the polling fallback and the event stream give the
same events."""

import asyncio
import json

import pytest
from django.core import mail
from django.test import AsyncClient, Client
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.models import Case, EventKind
from kundsvar.channels.phone.models import Callback, Source
from kundsvar.live import queries
from kundsvar.live.tests.helpers import run_async
from kundsvar.shops.tests.factories import AgentFactory

from ..models import Chat, ChatState
from ..views import sign
from .factories import shop_with_agents, start

pytestmark = pytest.mark.django_db


def _start(client, shop, **data):
    return client.post(reverse("chat:start", args=[shop.slug]), {"text": "Hej!", **data})


def test_a_customer_starts_a_chat_and_writes_with_its_token(client, now):
    shop, _ = shop_with_agents(1)
    response = _start(client, shop, name="Karin")
    assert response.status_code == 201
    token = response.json()["token"]
    assert client.post(f"/chat/{token}/send/", {"text": "Är ni där?"}).status_code == 201
    chat = Chat.objects.get()
    assert chat.case.messages.count() == 2 and chat.case.channel == "chat"
    events = client.get(f"/chat/{token}/poll/", {"after": 0}).json()["events"]
    assert [e["text"] for e in events] == ["Hej!", "Är ni där?"]
    # Last-Event-ID (or ?after=) gives only what came later.
    assert [e["text"] for e in client.get(f"/chat/{token}/poll/?after=1").json()["events"]] == [
        "Är ni där?"
    ]


def test_chats_started_from_one_address_are_limited_with_a_clear_answer(client, now, settings):
    settings.CHAT_STARTS_PER_ADDRESS = 2
    shop, _ = shop_with_agents(1)
    assert [_start(client, shop).status_code for _ in range(3)] == [201, 201, 429]
    assert "Vänta några minuter" in _start(client, shop).json()["error"]
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _start(other, shop).status_code == 201  # another address has its own count
    assert Chat.objects.count() == 3


def test_a_made_up_or_tampered_token_opens_nothing(client, now):
    shop, _ = shop_with_agents(1)
    chat = start(shop)
    token = sign(chat)
    # The last two characters changed, whatever they were (a signature may end in "AA").
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ("x", tampered, token.replace(":", ";", 1)):
        assert client.get(f"/chat/{bad}/poll/").status_code == 404
        assert client.post(f"/chat/{bad}/send/", {"text": "hej"}).status_code == 404
    assert Case.objects.get().messages.count() == 1


def test_a_file_that_is_not_what_it_says_is_refused_with_a_reason(client, now):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shop, _ = shop_with_agents(1)
    token = sign(start(shop))
    fake = SimpleUploadedFile("bild.png", b"MZ\x90\x00 not a png", content_type="image/png")
    response = client.post(f"/chat/{token}/send/", {"text": "bild", "file": fake})
    assert response.status_code == 400 and response.json()["error"]
    photo = SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert client.post(f"/chat/{token}/send/", {"text": "", "file": photo}).status_code == 201
    assert Chat.objects.get().case.messages.last().attachments.get().filename == "bild.png"


def test_an_agent_of_another_shop_cannot_read_or_answer_a_chat(client, now):
    shop, (alice,) = shop_with_agents(1)
    _other, (stranger,) = shop_with_agents(1)
    chat = start(shop)
    number = chat.case.number
    client.force_login(stranger)
    assert client.get(reverse("chat_agent:pane", args=[number])).status_code == 404
    for action in ("send", "accept", "end", "typing", "transfer"):
        response = client.post(f"/cases/chat/{number}/{action}/", {"text": "x", "to": alice.pk})
        assert response.status_code == 404, action
    assert client.get(reverse("chat_agent:poll"), {"shop": shop.pk}).status_code == 403
    assert Chat.objects.get().state == ChatState.WAITING
    client.force_login(alice)
    assert client.get(reverse("chat_agent:pane", args=[number])).status_code == 200
    assert client.post(f"/cases/chat/{number}/send/", {"text": "Hej!"}).status_code == 201
    assert Chat.objects.get().agent == alice  # answering took it


def test_the_inbox_lists_the_shops_live_chats(client, now):
    shop, (alice,) = shop_with_agents(1)
    start(shop, name="Karin")
    client.force_login(alice)
    page = client.get(reverse("chat_agent:inbox"))
    assert page.status_code == 200
    config = json.loads(page.context["config"] and json.dumps(page.context["config"]))
    assert [c["name"] for c in config["chats"]] == ["Karin"]


def test_availability_is_set_by_the_agent(client, now):
    _shop, (alice,) = shop_with_agents(1)
    client.force_login(alice)
    response = client.post(reverse("chat_agent:availability"), {"availability": "away"})
    assert response.json()["availability"] == "away"
    assert client.post(reverse("chat_agent:availability"), {"availability": "x"}).status_code == 400


def test_leaving_a_message_is_a_case_with_the_promised_time(client, now):  # S5, A4
    shop, _ = shop_with_agents(0)
    response = client.post(
        reverse("chat:leave_new", args=[shop.slug]),
        {"email": "karin@example.se", "text": "Ingen var inne, så jag lämnar en fråga."},
    )
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.channel == "chat" and case.due_at is not None
    assert response.json()["promise"] in response.json()["text"]
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()  # by email, A1–A5
    assert Chat.objects.get().state == ChatState.LEFT


def test_leaving_a_message_needs_an_email_address(client, now):
    shop, _ = shop_with_agents(0)
    url = reverse("chat:leave_new", args=[shop.slug])
    assert client.post(url, {"text": "Hej"}).status_code == 400
    assert client.post(url, {"text": "Hej", "email": "inte-en-adress"}).status_code == 400
    assert not Case.objects.exists()


def test_call_me_back_opens_a_phone_case_with_the_number(client, now):  # S5
    shop, _ = shop_with_agents(1)
    token = sign(start(shop, name="Karin"))
    response = client.post(f"/chat/{token}/callback/", {"phone": "070-123 45 67"})
    assert response.status_code == 201
    case = Case.objects.get(number=response.json()["case"])
    assert case.channel == "phone" and case.due_at is not None  # with its promise
    # In the phone channel's callback queue, like a request from the contact page.
    callback = Callback.objects.get(case=case)
    assert (callback.number, callback.source) == ("46701234567", Source.CHAT)
    chat = Chat.objects.get()
    assert case.customer == chat.case.customer  # the chat's customer, with the number
    assert case.customer.phones.filter(number="070-123 45 67").exists()
    assert f"chatt #{chat.case.number}" in case.messages.get().body_text
    assert chat.state == ChatState.ENDED
    assert client.post(f"/chat/{token}/callback/", {"phone": "12"}).status_code == 400


def test_the_transcript_goes_by_email(client, now, django_capture_on_commit_callbacks):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, name="Karin")
    from .. import services

    services.answer(chat, alice, "Hej Karin, paketet kommer i morgon.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/chat/{sign(chat)}/transcript/", {"email": "karin@example.se"})
    assert response.status_code == 200
    (sent,) = mail.outbox
    assert sent.to == ["karin@example.se"]
    assert "Din chatt med oss" in sent.subject and f"[#{chat.case.number}]" in sent.subject
    assert "Var är mitt paket?" in sent.body and "paketet kommer i morgon" in sent.body
    html = sent.message().get_body(("html",)).get_content()
    assert "paketet kommer i morgon" in html


def test_chat_settings_are_for_the_shops_admins(client, now):
    shop, (alice,) = shop_with_agents(1)
    url = reverse("settings:chat", args=[shop.slug])
    client.force_login(alice)
    assert client.get(url).status_code == 403
    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"long_wait_minutes": 8, "chats_per_agent": 2})  # chat off
    assert response.status_code == 302
    assert _start(client, shop).status_code == 409
    assert (
        client.post(
            url, {"enabled": "on", "long_wait_minutes": 0, "chats_per_agent": 2}
        ).status_code
        == 400
    )


@pytest.mark.django_db(transaction=True)
def test_the_event_stream_opens_for_the_token_and_replays_after_last_event_id(now):
    shop, _ = shop_with_agents(1)
    chat = start(shop)
    from .. import services

    services.say(chat, services.Line("Andra raden"))
    token = sign(chat)

    async def read(path, **headers):
        response = await AsyncClient().get(path, **headers)
        if response.status_code != 200:
            return response.status_code, ""
        text = ""
        async with asyncio.timeout(5):
            async for chunk in response.streaming_content:
                text += chunk.decode() if isinstance(chunk, bytes) else chunk
                if "Andra raden" in text:
                    break
        await response.streaming_content.aclose()
        return response.status_code, text

    try:
        status, text = run_async(
            lambda: read(f"/chat/{token}/events/", headers={"Last-Event-ID": "1"})
        )
        assert status == 200
        assert "Andra raden" in text and '"text":"Hej! Var' not in text  # only after 1
        assert '"kind":"state"' in text  # where the chat stands, first
        assert run_async(lambda: read("/chat/nonsense/events/"))[0] == 404
        stranger_status = run_async(lambda: read(f"/cases/chat/events/?shop={shop.pk}"))[0]
        assert stranger_status == 403  # not logged in
    finally:
        queries.close_connections()
