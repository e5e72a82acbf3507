"""An SMS from a customer becomes a message on their case (matched by number, C5).
Called by the webhook processors (`processors.py`) once the body is stored."""

from datetime import datetime

from django.db import transaction

from kundsvar.cases.models import Message
from kundsvar.cases.services import Inbound
from kundsvar.core.phones import international
from kundsvar.customers.services import find_or_create_by_phone
from kundsvar.intake import services as intake


def receive_sms(
    shop, *, number: str, text: str, provider: str, provider_id: str, at: datetime
) -> Message:
    """The customer by number (created on first contact), then intake: threads onto
    their open SMS case or opens one with the promise (S1–S3), matches orders (C4),
    acknowledges (A1–A4). Idempotent on the provider's id: a second run of the same
    SMS (a worker that died after the commit) returns the message stored the first time."""
    message_id = f"{provider}:{provider_id}"
    done = Message.objects.filter(case__shop=shop, message_id=message_id).first()
    if done is not None:
        return done
    digits = international(number, shop.country)
    inbound = Inbound(
        from_address=f"+{digits}" if digits else number[:40],
        body_text=text,
        received_at=at,
        message_id=message_id,
        language_hint=shop.language,
    )
    prepared = intake.prepare(inbound)
    with transaction.atomic():
        customer = find_or_create_by_phone(shop, number)
        again = Message.objects.select_for_update().filter(case__shop=shop, message_id=message_id)
        if again.exists():
            return again.get()
        received = intake.store(shop, "sms", prepared, customer=customer, hint=customer)
    return intake.follow_through(received).message
