"""Channels are small adapters behind this registry. `kundsvar.intake` reaches a channel
only through `channel_for`, and so does everything else outside the channel's package.

An adapter (see `Channel`) knows three things about its channel: which case a message
joins (`thread`), whether and how the customer is told their message arrived
(`should_acknowledge`, `acknowledge`, rules A1–A5), and how an agent's answer reaches
them (`send_reply`). Parsing its input into an `Inbound` is the channel's own business."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from kundsvar.cases.models import Case, Message
    from kundsvar.cases.services import Inbound

CHANNELS = {
    "email": "kundsvar.channels.email.channel.EmailChannel",
    # A web-form question and a case opened over the API are answered by email, to the
    # address the customer gave.
    "form": "kundsvar.channels.form.channel.FormChannel",
    "api": "kundsvar.channels.by_email.ApiChannel",
    "messenger": "kundsvar.channels.social.channel.MessengerChannel",
    "instagram": "kundsvar.channels.social.channel.InstagramChannel",
    "whatsapp": "kundsvar.channels.social.channel.WhatsAppChannel",
    "sms": "kundsvar.channels.phone.channel.SmsChannel",
    # A phone case is a callback: confirmed by SMS, answered by calling.
    "phone": "kundsvar.channels.phone.channel.PhoneChannel",
    # Live chat: each line is a message on the chat's case; answers go to the live page
    # (and by email once the customer has left, when they gave an address).
    "chat": "kundsvar.channels.chat.channel.ChatChannel",
}


@dataclass(frozen=True)
class Thread:
    """Where a message goes: an existing case, or (case None) a new one."""

    case: "Case | None"
    how: str = ""  # why it joins: in_reply_to, references, subject, plus_address
    refused: int | None = None  # a case number the sender may not join (shown on the new case)
    new_participant: bool = False  # a new sender, let in by one of our Message-IDs


NEW_CASE = Thread(None)


class Channel(Protocol):
    code: str

    def thread(self, shop, inbound: "Inbound", hint: Any = None) -> Thread:
        """Which case `inbound` joins. `hint` is what the channel's own entry point knows
        beyond the Inbound (for email, every recipient address: envelope, To, Cc)."""
        ...

    def should_acknowledge(self, case: "Case", message: "Message") -> bool: ...

    def acknowledge(self, case: "Case", message: "Message") -> None: ...

    def send_reply(self, case: "Case", message: "Message") -> None: ...


def channel_for(code: str) -> Channel | None:
    """The adapter for a channel code, or None when answers go out some other way
    (a phone call is answered on the phone)."""
    path = CHANNELS.get(code)
    return import_string(path)() if path else None
