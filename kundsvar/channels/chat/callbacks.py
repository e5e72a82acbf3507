""" "Call me back" from the chat (rule S5): the request is a case on the phone channel,
opened through intake like every customer message, with the number to call and a note
that the customer wants a callback. The callback queue (promised time, attempts,
outcomes) builds on these cases; this is the one call the chat makes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundsvar.cases.services import Inbound
from kundsvar.customers.services import add_phone
from kundsvar.intake import services as intake

from .models import Chat, ChatState


class CallbackError(ValueError):
    pass


def _digits(phone: str) -> int:
    return sum(ch.isdigit() for ch in phone)


def request_callback(
    shop,
    *,
    phone: str,
    name: str = "",
    note: str = "",
    language: str = "sv",
    chat: Chat | None = None,
    now: datetime | None = None,
):
    """Open the callback case; returns it. `chat`: the chat the customer asked from
    (it ends there, and its case is named in the note)."""
    phone = phone.strip()[:40]
    if not 6 <= _digits(phone) <= 15:
        raise CallbackError(_("Give a phone number we can call."))
    now = now or timezone.now()
    with translation.override(language):
        lines = [_("Please call me back on %(phone)s.") % {"phone": phone}]
        if note.strip():
            lines.append(note.strip())
        if chat is not None:
            lines.append(_("Asked from chat #%(number)s.") % {"number": chat.case.number})
        subject = _("Callback request")
    inbound = Inbound(
        from_address=chat.email if chat else "",
        from_name=name or (chat.name if chat else ""),
        subject=str(subject),
        body_text="\n".join(str(line) for line in lines),
        language_hint=language,
        received_at=now,
    )
    customer = chat.case.customer if chat is not None else None
    received = intake.receive(shop, "phone", inbound, new_case=True, customer=customer, now=now)
    with transaction.atomic():
        add_phone(received.case.customer, phone, shop.country)
    if chat is not None and chat.state in (ChatState.WAITING, ChatState.ACTIVE):
        from . import services

        services.end(chat, by="customer", now=now)
    return received.case
