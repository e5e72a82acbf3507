"""The conversation by email, when the customer asks for it: one function, three
templates (emails/chat_transcript*), queued through the channel-neutral outbox so it is
a delivery row on the case like every mail (retried, its failure visible)."""

import email.policy
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kundsvar.cases.models import Direction
from kundsvar.channels.outbox import OutboundKind, send_to_customer
from kundsvar.core.language import promise_language

from .events import agent_name
from .models import Chat


def _lines(chat: Chat) -> list[dict]:
    tz = chat.shop.tz
    messages = chat.case.messages.filter(
        direction__in=[Direction.INBOUND, Direction.OUTBOUND]
    ).select_related("author")
    return [
        {
            "time": timezone.localtime(m.created_at, tz).strftime("%H.%M"),
            "who": agent_name(m.author) or chat.shop.name
            if m.direction == Direction.OUTBOUND
            else (chat.name or ""),
            "mine": m.direction == Direction.INBOUND,
            "text": m.display_text,
        }
        for m in messages
    ]


def build(chat: Chat, to: str) -> EmailMessage:
    case, shop = chat.case, chat.shop
    context = {
        "shop": shop,
        "case": case,
        "name": chat.name,
        "lines": _lines(chat),
        "date": timezone.localtime(chat.started_at, shop.tz).strftime("%Y-%m-%d"),
    }
    with translation.override(promise_language(chat.language)):
        subject = render_to_string("emails/chat_transcript_subject.txt", context)
        text = render_to_string("emails/chat_transcript.txt", context)
        html = render_to_string("emails/chat_transcript.html", context)
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr((shop.name, shop.email))
    message["To"] = formataddr((chat.name, to)) if chat.name else to
    message["Reply-To"] = formataddr((shop.name, shop.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    domain = shop.email.rpartition("@")[2]
    message["Message-ID"] = f"<{secrets.token_hex(16)}.k{case.number}@{domain}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(chat: Chat, to: str):
    """Queue the transcript to `to`; sent once the transaction commits."""
    return send_to_customer(
        build(chat, to), kind=OutboundKind.REPLY, case=chat.case, now=timezone.now()
    )
