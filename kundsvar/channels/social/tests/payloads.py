"""Webhook bodies as the platforms document them (Messenger Platform "messages",
"message_deliveries", "message_reads", "message_reactions"; Instagram Platform webhook
examples; WhatsApp Cloud API "messages" webhook reference, incoming and status)."""

from datetime import datetime

PAGE_ID = "682498302938465"
IG_ID = "17841405822304914"
PHONE_ID = "106540352242922"
WABA_ID = "102290129340398"
PSID = "6542187432112233"
IGSID = "1029384756473829"
WA_ID = "46701234567"


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def messenger(*events, object_="page", account=PAGE_ID, at: datetime) -> dict:
    return {
        "object": object_,
        "entry": [{"id": account, "time": ms(at), "messaging": list(events)}],
    }


def instagram(*events, at: datetime) -> dict:
    return messenger(*events, object_="instagram", account=IG_ID, at=at)


def text_event(mid: str, text: str, at: datetime, sender=PSID, recipient=PAGE_ID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": recipient},
        "timestamp": ms(at),
        "message": {"mid": mid, "text": text},
    }


def attachment_event(mid: str, kind: str, url: str, at: datetime, sender=PSID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": ms(at),
        "message": {"mid": mid, "attachments": [{"type": kind, "payload": {"url": url}}]},
    }


def sticker_event(mid: str, at: datetime, sender=PSID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": ms(at),
        "message": {
            "mid": mid,
            "sticker_id": 369239263222822,
            "attachments": [
                {
                    "type": "image",
                    "payload": {
                        "url": "https://example.invalid/s.png",
                        "sticker_id": 369239263222822,
                    },
                }
            ],
        },
    }


def delivery_event(mids: list[str], watermark: datetime, sender=PSID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "delivery": {"mids": mids, "watermark": ms(watermark)},
    }


def read_event(watermark: datetime, at: datetime, sender=PSID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": ms(at),
        "read": {"watermark": ms(watermark)},
    }


def whatsapp(*messages, statuses=(), name="Sheena Nelson", wa_id=WA_ID) -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "46812345600", "phone_number_id": PHONE_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def wa_text(wamid: str, text: str, at: datetime, sender=WA_ID) -> dict:
    return {
        "from": sender,
        "id": wamid,
        "timestamp": str(int(at.timestamp())),
        "type": "text",
        "text": {"body": text},
    }


def wa_image(wamid: str, media_id: str, at: datetime, caption="") -> dict:
    image = {"mime_type": "image/jpeg", "sha256": "abc=", "id": media_id}
    if caption:
        image["caption"] = caption
    return {
        "from": WA_ID,
        "id": wamid,
        "timestamp": str(int(at.timestamp())),
        "type": "image",
        "image": image,
    }


def wa_typed(wamid: str, kind: str, content: dict, at: datetime) -> dict:
    return {
        "from": WA_ID,
        "id": wamid,
        "timestamp": str(int(at.timestamp())),
        "type": kind,
        kind: content,
    }


def wa_status(wamid: str, status: str, at: datetime, errors=None) -> dict:
    row = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(at.timestamp())),
        "recipient_id": WA_ID,
    }
    if errors:
        row["errors"] = errors
    return row
