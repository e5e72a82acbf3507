""" "Call me back" from the chat page (rule S5): the phone channel's callback queue
(`channels.phone.callbacks.request_callback`: a case on the channel "phone" with the
promised time, attempts and outcomes, the same as from the contact page, the widget or
the phone menu), asked with the chat's customer and a note of the chat it came from;
the chat ends there."""

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from kundsvar.channels.phone import callbacks as phone
from kundsvar.channels.phone.models import Source

from .models import LIVE_STATES, Chat


class CallbackError(ValueError):
    """No number we can call; the message is safe to show."""


def request_callback(
    shop,
    *,
    phone_number: str,
    name: str = "",
    note: str = "",
    language: str = "sv",
    chat: Chat | None = None,
    now: datetime | None = None,
):
    """The callback's case (in the callback queue, with its promise). `chat`: the chat
    the customer asked from (it ends, and its case is named in the note)."""
    with translation.override(language):
        lines = [note.strip()] if note.strip() else []
        if chat is not None:
            lines.append(_("Asked from chat #%(number)s.") % {"number": chat.case.number})
        try:
            callback = phone.request_callback(
                shop,
                phone_number.strip()[:40],
                name=name or (chat.name if chat else ""),
                note="\n".join(lines),
                source=Source.CHAT,
                language=language,
                customer=chat.case.customer if chat is not None else None,
                now=now,
            )
        except phone.CallbackError:
            raise CallbackError(_("Give a phone number we can call.")) from None
    if chat is not None and chat.state in LIVE_STATES:
        from . import services

        services.end(chat, by="customer", now=now)
    return callback.case
