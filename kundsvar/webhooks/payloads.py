"""What each webhook event says (the `data` of the JSON body). Plain JSON values only:
a payload is stored on its delivery row and sent as it was when the event happened.

Internal notes never leave through a webhook: only the customer's messages and replies.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from kundsvar.sla.promise import promise_text


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _agent(agent) -> dict | None:
    return {"id": agent.pk, "name": str(agent)} if agent else None


def _url(case) -> str:
    return settings.SITE_URL + reverse("cases:detail", args=[case.number])


def case_data(case) -> dict:
    customer = case.customer
    return {
        "number": case.number,
        "shop": case.shop.slug,
        "subject": case.subject,
        "status": str(case.status),
        "channel": str(case.channel),
        "language": case.language,
        "customer": {"id": customer.pk, "name": customer.name, "email": customer.primary_email},
        "assignee": _agent(case.assignee),
        "received_at": _at(case.received_at),
        "due_at": _at(case.due_at),
        "promise": promise_text(case.due_at, case.language, case.shop.tz) if case.due_at else None,
        "url": _url(case),
    }


def message_data(message) -> dict:
    return {
        "id": message.pk,
        "direction": str(message.direction),
        "channel": str(message.channel),
        "author": _agent(message.author),
        "from_address": message.from_address,
        "from_name": message.from_name,
        "subject": message.subject,
        "text": message.new_text or message.body_text,
        "body_text": message.body_text,
        "created_at": _at(message.created_at),
    }


def case_created(case, message) -> dict:
    """`message`: the customer's first message."""
    return {"case": case_data(case), "message": message_data(message)}


def message_received(case, message, *, automatic: bool = False) -> dict:
    """The customer wrote again on `case` (an out-of-office reply when `automatic`)."""
    return {
        "case": case_data(case),
        "message": message_data(message),
        "follow_up": message.is_follow_up,
        "automatic": automatic,
    }


def reply_sent(case, message) -> dict:
    return {"case": case_data(case), "message": message_data(message)}


def case_closed(case, *, actor=None, merged_into=None) -> dict:
    return {
        "case": case_data(case),
        "closed_at": _at(case.closed_at),
        "closed_by": _agent(actor),
        "merged_into": merged_into.number if merged_into else None,
    }
