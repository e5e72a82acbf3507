"""Files a customer sent with a message, whichever channel brought them: a MIME part of
an email or a file uploaded through the contact form. One way to keep them (rule A6):
the bytes go into the file store before the write transaction, the rows are written in
it, and a file that cannot be kept is noted on the message, never a reason to lose it."""

import logging
from dataclasses import dataclass

from django.db import transaction

from . import files
from .models import Attachment, Message

log = logging.getLogger(__name__)
FAILED = "attachment_failed"  # a parse warning code: the file is in the raw source only


@dataclass(frozen=True)
class File:
    """One file as a channel hands it over (a parsed MIME part has the same fields)."""

    filename: str
    content_type: str
    payload: bytes
    inline: bool = False


@dataclass(frozen=True)
class Stored:
    """A file whose bytes are in the file store, under their SHA-256."""

    file: File
    sha256: str
    name: str


def uploaded(upload) -> File:
    """A Django UploadedFile as a File; the form checked its type (`checked_type`)."""
    return File(
        filename=upload.name or "",
        content_type=getattr(upload, "checked_type", "application/octet-stream"),
        payload=b"".join(upload.chunks()),
    )


def store_files(parts) -> list[Stored | None]:
    """Each file's bytes into the file store, before the write transaction: a Stored per
    file, or None for one that could not be stored (the rest goes on, A6)."""
    stored: list[Stored | None] = []
    for part in parts:
        try:
            stored.append(Stored(part, *files.store(part.payload)))
        except Exception:  # noqa: BLE001 — one bad file never fails the message
            log.exception("storing attachment %r failed", part.filename)
            stored.append(None)
    return stored


def save_files(message: Message, stored: list[Stored | None]) -> None:
    """The attachment rows of `message`, each in a savepoint (PostgreSQL goes on after an
    error). A file that failed marks the message `attachment_failed` (A6)."""
    failed = False
    for item in stored:
        if item is None:
            failed = True
            continue
        part = item.file
        try:
            with transaction.atomic():
                Attachment.objects.create(
                    message=message,
                    filename=files.display_name(part.filename),
                    content_type=part.content_type[:255],
                    size=len(part.payload),
                    sha256=item.sha256,
                    file=item.name,
                    inline=part.inline,
                )
        except Exception:  # noqa: BLE001 — one bad file never fails the message
            log.exception("attachment %r of message %s failed", part.filename, message.pk)
            failed = True
    if failed:
        message.parse_warnings = [*message.parse_warnings, FAILED]
        Message.objects.filter(pk=message.pk).update(parse_warnings=message.parse_warnings)
