"""Mail loops with responders that do not say what they are (no Auto-Submitted, a new
sender address for every answer, our case number cut from the subject).

Two defences. Recognising the machine: an answer to one of our acknowledgements that
comes faster than anyone reads and writes, or the same text from one sender domain
again and again. And limits that hold even when it is not recognised: acknowledgements
per sender, per sender domain and per shop and minute (settings ACKS_PER_*). Either way
the mail itself is kept on a case (A6); only the acknowledgement is left out.
"""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from kundsvar.cases.models import Case, Direction, Message
from kundsvar.cases.services import Inbound

from .mimetext import message_ids
from .models import OutboundEmail, OutboundKind

log = logging.getLogger(__name__)
AUTO_LOOP = "auto_loop"  # RawMessage.kind of mail recognised here
_MIN_REPEAT_TEXT = 20  # "Tack!" three times is people being polite, not a machine
_NOT_WORDS = re.compile(r"[\W\d_]+")


def sender_key(address: str) -> tuple[str, str]:
    """(local part without its +tag, domain): kund+1@ and kund+2@ are one sender."""
    local, _, domain = address.lower().strip().rpartition("@")
    return local.split("+", 1)[0], domain


def _shared(domain: str) -> bool:
    return domain in settings.ACK_SHARED_MAIL_DOMAINS


def automatic_kind(shop, inbound: Inbound) -> str:
    """AUTO_LOOP when an unmarked inbound mail is a machine's, else ""."""
    if not inbound.from_address or "@" not in inbound.from_address:
        return ""
    reason = _answers_our_ack_at_once(shop, inbound) or _repeats_itself(shop, inbound)
    if reason:
        log.info("mail from %s taken for automatic: %s", inbound.from_address, reason)
        return AUTO_LOOP
    return ""


def _answers_our_ack_at_once(shop, inbound: Inbound) -> str:
    ids = message_ids(inbound.in_reply_to) + message_ids(inbound.references)
    if not ids:
        return ""
    window = timedelta(seconds=settings.AUTO_ANSWER_SECONDS)
    sender = inbound.from_address.lower()
    for pk, to_address in _acks_around(shop.pk, ids[:20], inbound.received_at, window):
        if to_address.lower() == sender:
            continue  # the customer adding a line at once; it joins their case anyway
        return f"answered acknowledgement {pk} within {window}"
    return ""


def _acks_around(
    shop_id: int, ids: list[str], at: datetime, window: timedelta
) -> list[tuple[int, str]]:
    """(id, to_address) of the shop's acknowledgements with one of these Message-IDs
    written or sent within `window` of `at`: created_at - window <= at <= (sent_at or
    created_at) + window. In SQL, as _recent_from_domain: every answer to our mail runs
    this, and the ORM spent more building the query than the database running it."""
    ops = connection.ops
    outbox = ops.quote_name(OutboundEmail._meta.db_table)
    cases = ops.quote_name(Case._meta.db_table)
    stamp = ops.adapt_datetimefield_value
    listed = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT o.id, o.to_address FROM {outbox} o INNER JOIN {cases} c ON c.id = o.case_id"  # noqa: S608 — table names from the models; every value a parameter
        f" WHERE c.shop_id = %s AND o.kind = %s AND o.message_id IN ({listed})"
        " AND o.created_at <= %s AND COALESCE(o.sent_at, o.created_at) >= %s"
    )
    params = [shop_id, OutboundKind.ACK, *ids, stamp(at + window), stamp(at - window)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _normalised(text: str) -> str:
    """Words only: a responder's numbers (ticket, date) change, its words do not."""
    return _NOT_WORDS.sub(" ", text.lower()).strip()


def _repeats_itself(shop, inbound: Inbound) -> str:
    text = _normalised(inbound.new_text or inbound.body_text)
    if len(text) < _MIN_REPEAT_TEXT:
        return ""
    local, domain = sender_key(inbound.from_address)
    since = inbound.received_at - timedelta(minutes=settings.AUTO_REPEAT_MINUTES)
    latest = _recent_from_domain(shop.pk, inbound.from_address, since, inbound.received_at)
    same = sum(
        _normalised(new_text or body_text) == text
        and (not _shared(domain) or sender_key(address)[0] == local)
        for new_text, body_text, address in latest
    )
    if same >= settings.AUTO_REPEAT_COUNT - 1:
        return f"the same text {same + 1} times from {domain}"
    return ""


def _recent_from_domain(
    shop_id: int, sender: str, since: datetime, until: datetime
) -> list[tuple[str, str, str]]:
    """The newest 200 inbound texts (new text, body, sender) of the shop from `domain`
    since `since`, not from `sender` itself: a person who asks again in the same words is
    a person (one address answering itself is held by the per-sender limit). At a shared
    domain (gmail.com) only the sender's own +tags: strangers there may well write the
    same words. In SQL, as _ack_counts: this runs for every mail, and the ORM spent
    more building the query than the database running it. Addresses compared in lower
    case, as iendswith/iexact/istartswith would."""
    local, domain = sender_key(sender)
    ops = connection.ops
    messages = ops.quote_name(Message._meta.db_table)
    cases = ops.quote_name(Case._meta.db_table)
    stamp = ops.adapt_datetimefield_value
    address = "LOWER(m.from_address)"
    sql = (
        f"SELECT m.new_text, m.body_text, m.from_address FROM {messages} m"  # noqa: S608 — table names from the models; every value a parameter
        f" WHERE (SELECT c.shop_id FROM {cases} c WHERE c.id = m.case_id) = %s"  # see _ack_counts
        f" AND m.direction = %s AND {address} LIKE %s ESCAPE '\\'"
        f" AND m.created_at >= %s AND m.created_at <= %s AND {address} <> %s"
    )
    params: list = [
        shop_id,
        Direction.INBOUND,
        "%@" + _like(domain),
        stamp(since),
        stamp(until),
        sender.lower(),
    ]
    if _shared(domain):
        sql += f" AND {address} LIKE %s ESCAPE '\\'"
        params.append(_like(local) + "%")
    sql += " ORDER BY m.created_at DESC LIMIT 200"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def within_ack_limits(shop, sender: str, at: datetime) -> bool:
    """May one more acknowledgement of this shop go to `sender` now? Counted from the
    shop's outbox rows, so every process (web, SMTP, worker) sees the same numbers; the
    three counts in one query, as this runs for every mail that comes in."""
    local, domain = sender_key(sender)
    hour, minute = at - timedelta(hours=1), at - timedelta(minutes=1)
    counts = _ack_counts(shop.pk, local, domain, hour, minute)
    if counts["sender"] >= settings.ACKS_PER_SENDER_PER_HOUR:
        return False
    if not _shared(domain) and counts["domain"] >= settings.ACKS_PER_DOMAIN_PER_HOUR:
        return False
    return counts["minute"] < settings.ACKS_PER_SHOP_PER_MINUTE


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ack_counts(shop_id: int, local: str, domain: str, hour: datetime, minute: datetime) -> dict:
    """Acknowledgements of the shop: to this sender (sender_key equal: the local part
    itself or with a +tag) and to its domain in the last hour, and all in the last
    minute. Written in SQL: the ORM spent more building this query than the database
    running it. Addresses compared in lower case, as iexact/iendswith would.

    The rows are found by the outbox's created_at index (the last hour's), and each row's
    shop by its case's primary key, in a subquery per row: with a join, SQLite walked
    every case of the shop and all their mail (a cost that grew with the shop's
    history), and PostgreSQL, on tables filled faster than it gathers statistics (a new
    installation's first burst), read the whole case table again for every outbox row
    (135 ms a message at 3,000 cases, bench/ingest.py with two workers)."""
    ops = connection.ops
    outbox = ops.quote_name(OutboundEmail._meta.db_table)
    cases = ops.quote_name(Case._meta.db_table)
    stamp = ops.adapt_datetimefield_value
    to = "LOWER(o.to_address)"
    in_domain = f"o.created_at >= %s AND {to} LIKE %s ESCAPE '\\'"
    select = (
        f"SELECT COUNT(CASE WHEN {in_domain} AND ({to} = %s OR {to} LIKE %s ESCAPE '\\')"
        f" THEN 1 END), COUNT(CASE WHEN {in_domain} THEN 1 END),"
        " COUNT(CASE WHEN o.created_at > %s THEN 1 END)"
    )
    sql = (
        f"{select} FROM {outbox} o WHERE o.kind = %s"  # noqa: S608 — table names from the models; every value a parameter
        f" AND (SELECT c.shop_id FROM {cases} c WHERE c.id = o.case_id) = %s"
        " AND o.created_at >= %s"
    )
    at_domain = "%@" + _like(domain)
    params = [
        *(stamp(hour), at_domain, f"{local}@{domain}", _like(local) + "+%"),
        *(stamp(hour), at_domain),
        stamp(minute),
        OutboundKind.ACK,
        shop_id,
        stamp(min(hour, minute)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        same_sender, same_domain, last_minute = cursor.fetchone()
    return {"sender": same_sender, "domain": same_domain, "minute": last_minute}
