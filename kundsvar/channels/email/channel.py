"""The email channel's adapter (`kundsvar.channels.registry`): how a mail threads, how
its sender is told it arrived (A1–A5), and how an agent's answer goes out (R1–R4)."""

import copy
import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import Direction, EventKind, Message
from kundsvar.channels.registry import Thread

from . import emails, loops, outbox
from .models import OutboundKind
from .threading import find_case

log = logging.getLogger(__name__)
ACK_MAX_AGE = timedelta(days=1)  # older mail (an outage, a first poll) gets no receipt now
_NO_ACK_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply")


class EmailChannel:
    code = "email"

    def queue(self, built, *, kind: str, now, case=None, message=None):
        """A message to the customer as an outbox row (`channels.outbox.send_to_customer`)."""
        return outbox.queue(case, kind, message, built, now=now)

    def thread(self, shop, inbound, hint=None) -> Thread:
        """By the mail's headers (rule R5, threading.py). `hint`: every address the mail
        was for (envelope, To, Cc), where a per-case reply address may stand."""
        return find_case(
            shop,
            sender=inbound.from_address,
            subject=inbound.subject,
            in_reply_to=inbound.in_reply_to,
            references=inbound.references,
            recipients=list(inbound.to_addresses if hint is None else hint),
            now=inbound.received_at,
        )

    def should_acknowledge(self, case, message) -> bool:
        """Rules A1–A5, without loops: only to real people, at most a few per hour."""
        sender = message.from_address.lower()
        if not sender or "@" not in sender or sender.split("@")[0] in _NO_ACK_SENDERS:
            return False
        if sender == case.shop.email.lower():
            return False
        if message.created_at < timezone.now() - ACK_MAX_AGE:
            return False
        if (
            message.is_follow_up is False
            and not case.just_opened  # its first and only question
            and _asked_before(case.pk)
        ):
            return False  # more words on an unanswered question: the promise stands
        return loops.within_ack_limits(case.shop, sender, message.created_at)

    def acknowledge(self, case, message) -> None:
        """Queue the acknowledgement of `message` (rules A1–A5); callers check
        `should_acknowledge` first. Rendered before the transaction that stores it, so
        the write lock is not held meanwhile, and stored at once, not at the end of the
        batch: a worker stopped half-way through a burst loses no acknowledgement of a
        message it has stored, and the limits (loops) count every one already stored."""
        built = emails.written_acknowledgement(case, message)
        store_acknowledgements([(case, message, built)])

    def send_reply(self, case, message) -> None:
        """Queue the agent's answer (rules R1–R4) to whoever asked last by email. On a
        case from another channel (an SMS, a chat) the agent may answer by email: to the
        customer's address, quoting their latest message."""
        asked = case.messages.filter(
            direction=Direction.INBOUND, created_at__lte=message.created_at
        ).order_by("-created_at", "-id")
        question = asked.filter(from_address__contains="@").first()
        if question is None:
            question = copy.copy(asked.first())
            if question is None or not case.customer.primary_email:
                return
            question.from_address = case.customer.primary_email
            question.message_id = question.references = ""
        outbox.queue(
            case,
            OutboundKind.REPLY,
            message,
            emails.reply(case, message, question),
            now=message.created_at,
        )


def _asked_before(case_id: int) -> bool:
    """Has the case more than one inbound message? Written in SQL, as loops.py's counts
    are: the ORM spent more building this query than the database running it."""
    table = connection.ops.quote_name(Message._meta.db_table)
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE case_id = %s"  # noqa: S608 — the table name from the model; every value a parameter
        " AND direction = %s LIMIT 2) inbound"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [case_id, Direction.INBOUND])
        return cursor.fetchone()[0] > 1


def store_acknowledgements(items: list) -> None:
    """(case, message, written mail) each as an outbox row with its `acknowledged` event,
    each in a transaction of its own: one that cannot be stored costs only its own
    acknowledgement (its message is stored already, A6; a person answers it)."""
    for item in items:
        try:
            with transaction.atomic():
                _store(item)
        except Exception:  # noqa: BLE001 — the message stands; the error is logged
            log.exception("storing the acknowledgement of case %s failed", item[0].number)


def _store(item: tuple) -> None:
    case, message, built = item
    outbox.queue(case, OutboundKind.ACK, message, built, now=message.created_at)
    record_event(case, EventKind.ACKNOWLEDGED, at=message.created_at, message=message.pk)
