"""Writes made from the customer portal. Both go through intake and the feedback services,
so a follow-up from the portal is the same follow-up as a reply by email (rule S3)."""

from datetime import datetime

from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, Direction, Message
from kundsvar.intake import services as intake

MAX_TEXT = 10_000


def customer_address(case: Case) -> tuple[str, str]:
    """The address and name the customer last wrote from (else their primary address)."""
    last = (
        case.messages.filter(direction=Direction.INBOUND)
        .exclude(from_address="")
        .order_by("-created_at", "-id")
        .values("from_address", "from_name")
        .first()
    )
    if last:
        return last["from_address"], last["from_name"]
    return case.customer.primary_email, case.customer.name


def add_follow_up(case: Case, text: str, *, now: datetime | None = None) -> Message:
    """The customer writes again from the portal: after an answer this is a follow-up with
    the shorter target at the top of the queue (S3). Through intake, so personal numbers
    are masked (C3) and orders matched (C4); no acknowledgement, the page shows it.
    Returns the stored message; its case is a new one when this case was closed long ago."""
    now = now or timezone.now()
    text = text.strip()[:MAX_TEXT]
    address, name = customer_address(case)
    inbound = cases.Inbound(
        from_address=address,
        from_name=name,
        subject=case.subject,
        body_text=text,
        new_text=text,
        received_at=now,
        language=case.language,
    )
    if cases.accepts_follow_ups(case, now):
        received = intake.receive(
            case.shop, case.channel, inbound, case=case, asks_again=True, acknowledge=False
        )
    else:  # closed long ago: a new question, as when the customer answers an old email
        received = intake.receive(
            case.shop,
            case.channel,
            inbound,
            new_case=True,
            customer=case.customer,
            acknowledge=False,
        )
    return received.message
