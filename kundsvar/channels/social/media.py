"""The customer's files: fetched when the message comes, and when that fails (the
platform's CDN is slow, a token was being renewed), tried again by the worker with
growing pauses. A file that arrives later is added to the message it came with, and the
team is told by a note on the case."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.cases import services as cases
from kundsvar.cases.attachments import File, save_files, store_files

from . import graph, whatsapp
from .events import Media
from .models import PlatformMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5  # 5, 10, 20, 40, 80 minutes after the message: WhatsApp keeps media 30 days
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "video/mp4": ".mp4"}


def first_wait() -> timedelta:
    return timedelta(minutes=5)


def fetch(connection, item: Media, number: int) -> File:
    """One file's bytes: by media id through the Cloud API (WhatsApp) or from the signed
    URL in the webhook (Messenger, Instagram). GraphError when it cannot be had."""
    if item.media_id:
        payload, content_type = whatsapp.fetch_media(item.media_id, connection.access_token)
    else:
        payload, content_type = graph.download(item.url)
    content_type = item.content_type or content_type or "application/octet-stream"
    name = item.filename or f"{item.kind}-{number}{EXTENSIONS.get(content_type, '')}"
    return File(filename=name, content_type=content_type, payload=payload)


def refetch_due(now: datetime | None = None, limit: int = 100) -> int:
    """Try the missing files whose time has come (the worker, every few minutes).
    Returns how many files arrived."""
    now = now or timezone.now()
    due = PlatformMessage.objects.filter(media_next_at__lte=now).select_related(
        "connection", "message__case"
    )
    return sum(_refetch(row, now) for row in due.order_by("media_next_at")[:limit])


def _refetch(row: PlatformMessage, now: datetime) -> int:
    # Claim: of two workers, one moves the row's time on and goes ahead.
    taken = PlatformMessage.objects.filter(pk=row.pk, media_next_at=row.media_next_at).update(
        media_next_at=now + timedelta(minutes=5)
    )
    if not taken or row.message is None:
        return 0
    files, still = [], []
    for number, item in enumerate(row.missing_media, start=1):
        try:
            files.append(fetch(row.connection, Media(**item), number))
        except graph.GraphError as error:
            log.info("media of %s still missing: %s", row.external_id, error)
            still.append(item)
    attempts = row.media_attempts + 1
    wait = first_wait() * 2**attempts
    stored = store_files(files)  # outside the transaction, like every channel's files
    with transaction.atomic():
        PlatformMessage.objects.filter(pk=row.pk).update(
            missing_media=still,
            media_attempts=attempts,
            media_next_at=now + wait if still and attempts < MAX_ATTEMPTS else None,
        )
        if files:
            save_files(row.message, stored)
            names = ", ".join(file.filename for file in files)
            cases.add_note(
                row.message.case,
                None,
                _("A file the customer sent arrived later and is now on their message: %(names)s")
                % {"names": names},
                now=now,
            )
    return len(files)
