"""Realistic inbound mail for tests, built with the stdlib like a mail client would."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

SHOP_ADDRESS = "kundtjanst@butik.example"


def mail(
    sender: str = "Karin Lindqvist <karin@example.se>",
    subject: str = "Leveranstid jacka",
    body: str = "Hej! När kommer min jacka? Order 100231.\n\nMvh Karin",
    *,
    to: str = SHOP_ADDRESS,
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    headers: dict | None = None,
    date: datetime | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.se")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if body:
        message.set_content(body)
    if html:
        if body:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    return message.as_bytes()


def parsed_outbound(row):
    """The stored wire bytes of an OutboundEmail, parsed."""
    import email
    import email.policy

    return email.message_from_bytes(bytes(row.mime), policy=email.policy.default)
