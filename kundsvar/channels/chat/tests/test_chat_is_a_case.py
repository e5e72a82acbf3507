"""A chat is a case on the chat channel from its first line (C5): every line a message,
through intake, with the promise and the audit log, in the same queue as email."""

import pytest
from django.core import mail

from kundsvar.cases import queries
from kundsvar.cases.models import Case, Direction, EventKind, Status
from kundsvar.channels.registry import channel_for
from kundsvar.live.models import LiveEvent

from .. import services
from ..channel import ChatChannel
from ..models import Chat, ChatState, shop_stream
from .factories import shop_with_agents, start

pytestmark = pytest.mark.django_db


def _kinds(stream):
    return list(LiveEvent.objects.filter(stream=stream).values_list("kind", flat=True))


def test_the_first_line_opens_a_chat_case_with_a_promise(
    now, django_capture_on_commit_callbacks
):  # C5, A4
    shop, _ = shop_with_agents(1)
    with django_capture_on_commit_callbacks(execute=True):
        chat = start(shop, name="Karin", email="karin@example.se")
    case = chat.case
    assert case.channel == "chat" and case.status == Status.NEW
    assert case.due_at is not None  # the promise, from the shop's policy for chat
    message = case.messages.get()
    assert message.direction == Direction.INBOUND and message.channel == "chat"
    assert message.from_address == "karin@example.se"
    assert chat.state == ChatState.WAITING and chat.shown_position == 1
    assert case.events.filter(kind=EventKind.OPENED).exists()
    # No receipt by mail: the customer is on the page (the adapter's choice).
    assert not case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    assert mail.outbox == []
    assert _kinds(chat.stream) == ["message"]
    assert _kinds(shop_stream(shop.pk)) == ["chat_started", "message"]
    # In the same queue as email.
    assert case in queries.cases_for(shop.memberships.first().agent)


def test_the_registry_knows_the_chat_channel():
    assert isinstance(channel_for("chat"), ChatChannel)


def test_a_whole_chat_is_messages_on_one_case(now, django_capture_on_commit_callbacks):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, name="Karin")
    services.accept(chat, alice)
    services.answer(chat, alice, "Hej Karin! Jag kollar.")
    services.say(chat, services.Line("Tack!"))
    services.answer(chat, alice, "Paketet kommer i morgon.")
    case = Case.objects.get(pk=chat.case_id)
    texts = [(m.direction, m.body_text) for m in case.messages.order_by("created_at", "id")]
    assert texts == [
        ("in", "Hej! Var är mitt paket?"),
        ("out", "Hej Karin! Jag kollar."),
        ("in", "Tack!"),
        ("out", "Paketet kommer i morgon."),
    ]
    assert case.assignee == alice and case.first_response_at is not None
    replied = case.events.filter(kind=EventKind.REPLIED)
    assert replied.count() == 2 and replied.first().data["kept"] is True  # S4 measured
    chat = services.end(Chat.objects.get(pk=chat.pk), by="agent", actor=alice)
    case.refresh_from_db()
    assert chat.state == ChatState.ENDED
    assert case.status == Status.CLOSED  # answered and ended: nothing owed
    kinds = _kinds(chat.stream)
    assert kinds == ["message", "accepted", "message", "message", "message", "ended"]


def test_an_unanswered_question_stays_in_the_queue_after_the_chat_ends(now):  # A6
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, email="karin@example.se")
    services.answer(chat, alice, "Hej!")  # answering takes the chat
    services.say(chat, services.Line("Och en fråga till om returer?"))
    services.end(Chat.objects.get(pk=chat.pk), by="customer")
    case = Case.objects.get(pk=chat.case_id)
    assert case.status != Status.CLOSED and case.due_at is not None


def test_an_answer_after_the_customer_left_goes_by_email(now, django_capture_on_commit_callbacks):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, email="karin@example.se", name="Karin")
    services.accept(chat, alice)
    services.say(chat, services.Line("Hinner ni svara?"))
    services.end(Chat.objects.get(pk=chat.pk), by="customer")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(Chat.objects.get(pk=chat.pk), alice, "Ja, här är svaret.")
    assert len(mail.outbox) == 1 and "karin@example.se" in mail.outbox[0].to[0]
    assert "Ja, här är svaret." in mail.outbox[0].body


def test_a_live_answer_is_not_mailed(now, django_capture_on_commit_callbacks):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, email="karin@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(chat, alice, "Hej!")
    assert mail.outbox == []


def test_only_one_agent_takes_a_chat(now):
    shop, (alice, bo) = shop_with_agents(2)
    chat = start(shop)
    services.accept(chat, alice)
    with pytest.raises(services.ChatError):
        services.accept(chat, bo)
    assert Chat.objects.get(pk=chat.pk).agent == alice


def test_transfer_to_a_colleague_reassigns_the_case(now):
    shop, (alice, bo) = shop_with_agents(2)
    chat = start(shop)
    services.accept(chat, alice)
    services.transfer(chat, alice, bo)
    assert Chat.objects.get(pk=chat.pk).agent == bo
    assert Case.objects.get(pk=chat.case_id).assignee == bo
    assert _kinds(chat.stream)[-1] == "transferred"


def test_transfer_only_within_the_shop(now):
    shop, (alice,) = shop_with_agents(1)
    _other, (stranger,) = shop_with_agents(1)
    chat = start(shop)
    services.accept(chat, alice)
    with pytest.raises(services.ChatError):
        services.transfer(chat, alice, stranger)


def test_a_line_after_the_end_is_kept(now):  # A6
    shop, _ = shop_with_agents(1)
    chat = start(shop)
    services.end(chat, by="customer")
    services.say(Chat.objects.get(pk=chat.pk), services.Line("Glömde en sak!"))
    assert Case.objects.get(pk=chat.case_id).messages.count() == 2


def test_typing_is_throttled_and_not_stored(now):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop)
    before = LiveEvent.objects.count()
    assert services.typing(chat, side="customer") is True
    assert services.typing(chat, side="customer") is False  # within two seconds
    assert services.typing(chat, side="agent", agent=alice) is True
    assert LiveEvent.objects.count() == before


def test_a_file_sent_after_the_customer_left_goes_with_the_email(
    now, django_capture_on_commit_callbacks
):
    from kundsvar.cases.attachments import File

    shop, (alice,) = shop_with_agents(1)
    chat = start(shop, email="karin@example.se", name="Karin")
    services.accept(chat, alice)
    services.end(Chat.objects.get(pk=chat.pk), by="customer")
    label = File("returetikett.pdf", "application/pdf", b"%PDF-1.4\n% etikett\n")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(Chat.objects.get(pk=chat.pk), alice, "Här är etiketten.", file=label)
    (sent,) = mail.outbox
    parts = [p for p in sent.message().walk() if p.get_filename()]
    assert [(p.get_filename(), p.get_payload(decode=True)) for p in parts] == [
        ("returetikett.pdf", label.payload)
    ]
