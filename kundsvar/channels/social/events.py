"""What a Meta webhook body says, platform by platform parsed into the same few shapes."""

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Media:
    """A file the customer sent: a URL (Messenger, Instagram) or a media id to ask the
    Cloud API for (WhatsApp)."""

    kind: str  # image, video, audio, file, document
    url: str = ""
    media_id: str = ""
    content_type: str = ""
    filename: str = ""


@dataclass
class Incoming:
    """One message from a customer."""

    platform: str
    account_id: str  # page id, Instagram account id, WhatsApp phone-number id
    sender: str  # PSID, IGSID, wa_id
    external_id: str  # mid, wamid
    at: datetime
    text: str = ""
    name: str = ""
    media: list[Media] = field(default_factory=list)
    unsupported: str = ""  # the platform's type name of what we cannot show
    reaction: str = ""  # the emoji of a reaction to one of our messages


@dataclass
class StatusUpdate:
    """What became of messages we sent: by their ids, or (Messenger) everything sent to
    `recipient` up to `watermark`."""

    platform: str
    account_id: str
    status: str  # sent, delivered, read, failed
    at: datetime
    external_ids: list[str] = field(default_factory=list)
    recipient: str = ""
    watermark: datetime | None = None
    error: str = ""


@dataclass
class Parsed:
    messages: list[Incoming] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    ignored: int = 0  # events we have no use for (echoes, typing, handovers)


def from_millis(value) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def from_seconds(value) -> datetime:
    return datetime.fromtimestamp(int(value), tz=UTC)
