"""WhatsApp Cloud API: the `whatsapp_business_account` webhook (messages and statuses in
`entry[].changes[].value`), media by id, and the send API (`POST /{phone-number-id}/
messages`). Documented at developers.facebook.com/documentation/business-messaging/
whatsapp/webhooks/reference/messages (and .../messages/status)."""

from . import graph
from .events import Incoming, Media, Parsed, StatusUpdate, from_seconds
from .messenger import split

FILE_TYPES = {"image", "video", "audio", "document"}
TEXT_LIMIT = 4096


def parse(body: dict) -> Parsed:
    parsed = Parsed()
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            if change.get("field", "messages") != "messages":
                parsed.ignored += 1
                continue
            _value(change.get("value") or {}, parsed)
    return parsed


def _value(value: dict, parsed: Parsed) -> None:
    account = str((value.get("metadata") or {}).get("phone_number_id", ""))
    names = {
        str(contact.get("wa_id")): (contact.get("profile") or {}).get("name", "")
        for contact in value.get("contacts") or []
    }
    for message in value.get("messages") or []:
        sender = str(message.get("from", ""))
        incoming = Incoming(
            "whatsapp",
            account,
            sender,
            str(message.get("id", "")),
            from_seconds(message.get("timestamp") or 0),
            name=names.get(sender, ""),
        )
        _content(message, incoming)
        parsed.messages.append(incoming)
    for status in value.get("statuses") or []:
        errors = status.get("errors") or []
        parsed.statuses.append(
            StatusUpdate(
                "whatsapp",
                account,
                str(status.get("status", "")),
                from_seconds(status.get("timestamp") or 0),
                external_ids=[str(status.get("id", ""))],
                recipient=str(status.get("recipient_id", "")),
                error="; ".join(_error_text(error) for error in errors),
            )
        )


def _error_text(error: dict) -> str:
    details = (error.get("error_data") or {}).get("details", "")
    words = error.get("message") or error.get("title") or ""
    return f"{error.get('code', '')} {words}{f' ({details})' if details else ''}".strip()


def _content(message: dict, incoming: Incoming) -> None:
    kind = message.get("type", "")
    content = message.get(kind) or {}
    if kind == "text":
        incoming.text = content.get("body", "")
    elif kind in FILE_TYPES:
        incoming.text = content.get("caption", "")
        incoming.media.append(
            Media(
                kind,
                media_id=str(content.get("id", "")),
                content_type=content.get("mime_type", ""),
                filename=content.get("filename", ""),
            )
        )
    elif kind == "button":  # a quick-reply button of a template
        incoming.text = content.get("text", "")
    elif kind == "interactive":
        reply = content.get("button_reply") or content.get("list_reply") or {}
        incoming.text = reply.get("title", "")
    elif kind == "reaction":
        if not content.get("emoji"):  # a reaction taken back
            incoming.unsupported = "reaction_removed"
        incoming.reaction = content.get("emoji", "")
        incoming.external_id = incoming.external_id or f"reaction:{content.get('message_id')}"
    else:  # sticker, location, contacts, order, system, unsupported, and what comes next
        incoming.unsupported = kind or "unknown"


def text_payloads(recipient: str, text: str) -> list[dict]:
    return [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient,
            "type": "text",
            "text": {"preview_url": False, "body": part},
        }
        for part in split(text, TEXT_LIMIT)
    ]


def template_payload(recipient: str, name: str, language: str, parameters=()) -> dict:
    """A template message; `parameters` fill the body's {{1}}, {{2}} … in order (Cloud
    API: a "body" component with text parameters)."""
    template: dict = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": v} for v in parameters]}
        ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": recipient,
        "type": "template",
        "template": template,
    }


def fetch_media(media_id: str, token: str) -> tuple[bytes, str]:
    """A media id → its URL (GET /{media-id}) → the bytes, both with the token."""
    info = graph.get("whatsapp", media_id, token)
    url = info.get("url")
    if not url:
        raise graph.GraphError(f"No URL for media {media_id}.")
    payload, content_type = graph.download(str(url), token)
    return payload, str(info.get("mime_type") or content_type)
