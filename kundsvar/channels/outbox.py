"""The one outbox for messages to customers, whichever app writes them.

Cases answer through their channel (`registry.channel_for(case.channel).send_reply`);
commerce writes order messages (rules O1, O4, O6, O8) that no case asked for. Both end
up as delivery rows of the channel that carries them (today every customer message is
an email: `channels.email` stores and sends the row with the delivery machine of
`core.delivery`). Mail to the shop's own people (the owner's weekly report, insights)
goes out the same way through `send_to_staff`. Callers name what they send with
keywords and never import a channel's package, so the next channel is one more
adapter, not one more caller.
"""

import email.policy
import secrets
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import channel_for


class OutboundKind(models.TextChoices):
    """Why a message to a customer was written (stored as a code on the row)."""

    ACK = "ack", _("Acknowledgement")
    REPLY = "reply", _("Reply")
    ORDER = "order", _("Order message")
    REPORT = "report", _("Report to the shop")
    FORWARD = "forward", _("Forwarded message")


EMAIL = "email"


def text_about_order(order, kind: str, *, now: datetime):
    """An order message (shipped, delayed) by SMS too, when the shop has turned that on
    (`channels.phone`); None when it has not, or the order has no phone number. Called in
    the transaction that writes the order message, so it goes out once with it."""
    adapter = channel_for("sms")
    texts = getattr(adapter, "order_message", None)
    return texts(order, kind, now=now) if texts else None


def send_to_customer(
    built: EmailMessage,
    *,
    kind: str,
    now: datetime,
    case=None,
    message=None,
    channel: str = EMAIL,
):
    """Queue `built` (its From, To and Subject say who and what) for the customer and
    send it once the surrounding transaction commits. `case` and `message` are the case
    and case message it belongs to, when it belongs to one (an order message does not).
    Returns the delivery row, for the caller to keep a reference to."""
    adapter = channel_for(channel)
    # Only a channel that can carry such a message has `queue` (a phone case cannot).
    queue = getattr(adapter, "queue", None)
    if queue is None:
        raise ValueError(f"The channel {channel!r} cannot carry a message to a customer.")
    return queue(built, kind=kind, case=case, message=message, now=now)


def send_to_staff(built: EmailMessage, *, now: datetime):
    """Queue `built` for one of the shop's own people (an owner's weekly report): an
    email, belonging to no case, sent once the surrounding transaction commits."""
    return channel_for(EMAIL).queue(built, kind=OutboundKind.REPORT, now=now)


def staff_mail(
    *, sender: tuple[str, str], agent, subject: str, text: str, html: str, tag: str
) -> EmailMessage:
    """A mail for `send_to_staff`: from `sender` (name, address) to `agent`, marked
    auto-generated, with a text and an HTML body; `tag` names the kind in the Message-ID."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr(sender)
    message["To"] = formataddr((agent.get_full_name(), agent.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    domain = sender[1].rpartition("@")[2]
    message["Message-ID"] = f"<{secrets.token_hex(16)}.{tag}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
