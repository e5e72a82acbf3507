"""What a chat publishes on its live streams (`kundsvar.live`): the customer's stream
(`chat.<id>`) and the shop's agents' stream (`shop.<id>.chat`). The customer's side
never carries internal notes, addresses or other chats."""

from django.urls import reverse

from kundsvar.cases.models import Direction
from kundsvar.core import links
from kundsvar.live import services as live

from .models import Chat, shop_stream


def agent_name(agent) -> str:
    return (agent.first_name or agent.get_username()) if agent else ""


def message_payload(message) -> dict:
    return {
        "id": message.pk,
        "direction": "in" if message.direction == Direction.INBOUND else "out",
        "text": message.display_text,
        "author": agent_name(message.author) if message.author_id else "",
        "at": message.created_at.isoformat(),
        "files": [a.filename for a in message.attachments.all()],
    }


def summary(chat: Chat) -> dict:
    """A chat as the agents' inbox lists it."""
    case = chat.case
    return {
        "chat": chat.pk,
        "case": case.number,
        "state": chat.state,
        "name": chat.name or str(case.customer),
        "subject": case.subject,
        "agent": chat.agent_id,
        "agent_name": agent_name(chat.agent),
        "started_at": chat.started_at.isoformat(),
    }


def file_link(chat: Chat, attachment) -> str:
    """The customer's download address of a file of their chat: signed for that chat
    and file, expiring with the chat's own link (`views.TOKEN_DAYS`)."""
    token = links.sign("chatfile", {"c": chat.pk, "a": attachment.pk})
    return reverse("chat:file", args=[token])


def message(chat: Chat, message) -> None:
    payload = message_payload(message)
    customer = [{"name": a.filename, "url": file_link(chat, a)} for a in message.attachments.all()]
    live.publish(chat.stream, "message", {**payload, "files": customer}, now=message.created_at)
    files = [{"id": a.pk, "name": a.filename} for a in message.attachments.all()]
    live.publish(
        shop_stream(chat.shop_id),
        "message",
        {**payload, "files": files, "chat": chat.pk, "case": chat.case.number},
        now=message.created_at,
    )


def started(chat: Chat) -> None:
    live.publish(shop_stream(chat.shop_id), "chat_started", summary(chat), now=chat.started_at)


def changed(chat: Chat, kind: str, at, **extra) -> None:
    """accepted, transferred, ended, left: to the customer (their agent's first name
    only) and to the agents (the whole summary)."""
    live.publish(
        chat.stream,
        kind,
        {"state": chat.state, "agent_name": agent_name(chat.agent), **extra},
        now=at,
    )
    live.publish(shop_stream(chat.shop_id), kind, {**summary(chat), **extra}, now=at)
