"""The platforms' messaging windows. A business may answer freely for 24 hours after the
customer's last message. After that, Messenger and Instagram allow a person (never a
bot) to answer for up to 7 days with the HUMAN_AGENT tag; WhatsApp allows only a
template the shop had approved."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max

from kundsvar.cases.models import Direction, Message

OPEN = timedelta(hours=24)
HUMAN_AGENT = timedelta(days=7)
TAGGED_PLATFORMS = ("messenger", "instagram")


@dataclass(frozen=True)
class Window:
    platform: str
    last_message_at: datetime | None  # the customer's last message on the platform
    now: datetime

    @property
    def open_until(self) -> datetime | None:
        return self.last_message_at + OPEN if self.last_message_at else None

    @property
    def tagged_until(self) -> datetime | None:
        if self.last_message_at is None or self.platform not in TAGGED_PLATFORMS:
            return None
        return self.last_message_at + HUMAN_AGENT

    @property
    def mode(self) -> str:
        """ "open": any text; "human_agent": text with the HUMAN_AGENT tag; "template":
        WhatsApp templates only; "closed": nothing until the customer writes."""
        if self.open_until and self.now < self.open_until:
            return "open"
        if self.tagged_until and self.now < self.tagged_until:
            return "human_agent"
        return "template" if self.platform == "whatsapp" else "closed"


def for_case(case, now: datetime) -> Window:
    """The window of the case's customer on the case's platform: it opens with any
    message of theirs there, on this case or another."""
    last = Message.objects.filter(
        case__customer=case.customer_id,
        case__shop=case.shop_id,
        channel=case.channel,
        direction=Direction.INBOUND,
        created_at__lte=now,
    ).aggregate(last=Max("created_at"))["last"]
    return Window(case.channel, last, now)
