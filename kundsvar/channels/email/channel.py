from kundsvar.cases.models import Direction

from . import emails, outbox
from .models import OutboundKind


class EmailChannel:
    code = "email"

    def queue(self, built, *, kind: str, now, case=None, message=None):
        """A message to the customer as an outbox row (`channels.outbox.send_to_customer`)."""
        return outbox.queue(case, kind, message, built, now=now)

    def send_reply(self, case, message) -> None:
        """Queue the agent's answer (rules R1–R4) to whoever asked last."""
        question = (
            case.messages.filter(direction=Direction.INBOUND, created_at__lte=message.created_at)
            .order_by("-created_at", "-id")
            .first()
        )
        if question is None or not question.from_address:
            return
        outbox.queue(
            case,
            OutboundKind.REPLY,
            message,
            emails.reply(case, message, question),
            now=message.created_at,
        )
