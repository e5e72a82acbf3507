"""Messenger and Instagram messaging: the same webhook shape (`object` "page" or
"instagram", `entry[].messaging[]`) and the same Send API (`POST /{id}/messages`).

Documented payloads: developers.facebook.com/docs/messenger-platform/reference/
webhook-events (messages, message_deliveries, message_reads, message_reactions) and
developers.facebook.com/docs/instagram-platform/webhooks/examples."""

import logging

from .events import Incoming, Media, Parsed, StatusUpdate, from_millis

log = logging.getLogger(__name__)
OBJECTS = {"page": "messenger", "instagram": "instagram"}
FILE_TYPES = {"image", "video", "audio", "file"}
TEXT_LIMIT = 2000  # characters per message in the Send API


def parse(body: dict) -> Parsed:
    platform = OBJECTS[body["object"]]
    parsed = Parsed()
    for entry in body.get("entry") or []:
        account = str(entry.get("id", ""))
        for event in entry.get("messaging") or []:
            _event(platform, account, event, parsed)
        # "standby": the conversation belongs to another app (handover): not ours to answer.
        parsed.ignored += len(entry.get("standby") or [])
    return parsed


def _event(platform: str, account: str, event: dict, parsed: Parsed) -> None:
    sender = str((event.get("sender") or {}).get("id", ""))
    at = from_millis(event.get("timestamp") or 0)
    if "message" in event:
        message = event["message"]
        if message.get("is_echo") or message.get("is_deleted"):
            parsed.ignored += 1  # our own message coming back, or one the customer unsent
            return
        parsed.messages.append(_message(platform, account, sender, at, message))
    elif "postback" in event:  # a button the customer tapped: its title is what they said
        postback = event["postback"]
        parsed.messages.append(
            Incoming(
                platform,
                account,
                sender,
                str(postback.get("mid") or f"postback:{sender}:{event.get('timestamp')}"),
                at,
                text=str(postback.get("title") or postback.get("payload") or ""),
            )
        )
    elif "reaction" in event:
        reaction = event["reaction"]
        if reaction.get("action") == "unreact":
            parsed.ignored += 1
            return
        parsed.messages.append(
            Incoming(
                platform,
                account,
                sender,
                f"reaction:{reaction.get('mid')}:{event.get('timestamp')}",
                at,
                reaction=str(reaction.get("emoji") or reaction.get("reaction") or "?"),
            )
        )
    elif "delivery" in event:
        delivery = event["delivery"]
        parsed.statuses.append(
            StatusUpdate(
                platform,
                account,
                "delivered",
                at,
                external_ids=[str(mid) for mid in delivery.get("mids") or []],
                recipient=sender,
                watermark=from_millis(delivery["watermark"]) if delivery.get("watermark") else None,
            )
        )
    elif "read" in event:
        read = event["read"]
        parsed.statuses.append(
            StatusUpdate(
                platform,
                account,
                "read",
                at,
                external_ids=[str(read["mid"])] if read.get("mid") else [],  # Instagram
                recipient=sender,
                watermark=from_millis(read["watermark"]) if read.get("watermark") else None,
            )
        )
    else:
        parsed.ignored += 1
        log.info("%s webhook: an event we do not use (%s)", platform, sorted(event))


def _message(platform: str, account: str, sender: str, at, message: dict) -> Incoming:
    incoming = Incoming(
        platform, account, sender, str(message.get("mid", "")), at, text=message.get("text") or ""
    )
    if message.get("sticker_id"):
        incoming.unsupported = "sticker"
        return incoming
    if message.get("is_unsupported"):
        incoming.unsupported = "unsupported"
    links = []
    for attachment in message.get("attachments") or []:
        kind = attachment.get("type", "")
        url = str((attachment.get("payload") or {}).get("url") or "")
        if kind in FILE_TYPES and url:
            incoming.media.append(Media(kind, url=url))
        elif kind == "fallback" and url:  # a shared link
            links.append(url)
        elif not incoming.unsupported:
            incoming.unsupported = kind or "unknown"
    if links:
        incoming.text = "\n".join(filter(None, [incoming.text, *links]))
    return incoming


def text_payloads(recipient: str, text: str, *, tag: str = "") -> list[dict]:
    """Send API bodies for `text` (split at the 2,000-character limit): a response within
    the 24-hour window, or a MESSAGE_TAG (HUMAN_AGENT) message after it."""
    kind = {"messaging_type": "MESSAGE_TAG", "tag": tag} if tag else {"messaging_type": "RESPONSE"}
    return [
        {"recipient": {"id": recipient}, **kind, "message": {"text": part}}
        for part in split(text, TEXT_LIMIT)
    ]


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line break or a space when there is
    one in the second half of the piece."""
    text = text.strip()
    parts = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts
