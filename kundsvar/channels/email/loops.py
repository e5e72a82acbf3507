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

from kundsvar.cases.models import Direction, Message
from kundsvar.cases.queries import of_shop
from kundsvar.cases.services import Inbound
from kundsvar.core import ratelimit
from kundsvar.core.addresses import key_and_domain, sender_key

from .mimetext import message_ids
from .models import OutboundEmail, OutboundKind

log = logging.getLogger(__name__)
AUTO_LOOP = "auto_loop"  # RawMessage.kind of mail recognised here
_MIN_REPEAT_TEXT = 20  # "Tack!" three times is people being polite, not a machine
_NOT_WORDS = re.compile(r"[\W\d_]+")


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
    stamp = ops.adapt_datetimefield_value
    listed = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT o.id, o.to_address FROM {outbox} o"  # noqa: S608 — table names from the models; every value a parameter
        f" WHERE o.message_id IN ({listed}) AND o.kind = %s"
        " AND o.created_at <= %s AND COALESCE(o.sent_at, o.created_at) >= %s"
        f" AND {of_shop('o')}"
    )
    params = [*ids, OutboundKind.ACK, stamp(at + window), stamp(at - window), shop_id]
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
    since = inbound.received_at - timedelta(minutes=settings.AUTO_REPEAT_MINUTES)
    latest = _recent_from_domain(shop.pk, inbound.from_address, since, inbound.received_at)
    same = sum(_normalised(new_text or body_text) == text for new_text, body_text in latest)
    if same >= settings.AUTO_REPEAT_COUNT - 1:
        return f"the same text {same + 1} times from {sender_key(inbound.from_address)[1]}"
    return ""


def _recent_from_domain(
    shop_id: int, sender: str, since: datetime, until: datetime
) -> list[tuple[str, str]]:
    """The newest 200 inbound texts (new text, body) of the shop from the sender's domain
    since `since`, not from `sender` itself: a person who asks again in the same words is
    a person (one address answering itself is held by the per-sender limit). At a shared
    domain (gmail.com) only the sender's own +tags: strangers there may well write the
    same words.

    Found by the stored sender domain or key (Message.from_domain, from_key) and its
    index with the time: this runs for every mail, and a scan of the last hour's mail
    cost more the more mail came in (at 200 mails a second, 720,000 rows). In SQL, as
    _ack_counts: the ORM spent more building the query than the database running it."""
    key, domain = key_and_domain(sender)
    column, value = ("from_key", key) if _shared(domain) else ("from_domain", domain)
    ops = connection.ops
    messages = ops.quote_name(Message._meta.db_table)
    stamp = ops.adapt_datetimefield_value
    sql = (
        f"SELECT m.new_text, m.body_text FROM {messages} m"  # noqa: S608 — table and column names from the models; every value a parameter
        f" WHERE m.{column} = %s AND m.created_at >= %s AND m.created_at <= %s"
        " AND m.direction = %s AND LOWER(m.from_address) <> %s"
        f" AND {of_shop('m')}"
        " ORDER BY m.created_at DESC LIMIT 200"
    )
    params = [value, stamp(since), stamp(until), Direction.INBOUND, sender.lower(), shop_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def within_ack_limits(shop, sender: str, at: datetime) -> bool:
    """May one more acknowledgement of this shop go to `sender` now?

    Per sender and per sender domain in the hour before `at`: counted from the shop's
    outbox rows, so every process (web, SMTP, worker) sees the same numbers. Per shop and
    minute: a counter (core.ratelimit, a fixed minute) counted only when the other two
    allow, as counting the shop's rows of the last minute would read every one of them
    for every mail, and a shop that takes 200 mails a second has 12,000 there."""
    key, domain = key_and_domain(sender)
    counts = _ack_counts(shop.pk, key, "" if _shared(domain) else domain, at - timedelta(hours=1))
    if counts["sender"] >= settings.ACKS_PER_SENDER_PER_HOUR:
        return False
    if counts["domain"] >= settings.ACKS_PER_DOMAIN_PER_HOUR:
        return False
    minute = ratelimit.count(f"acks-per-minute:{shop.pk}", 60)
    return minute <= settings.ACKS_PER_SHOP_PER_MINUTE


def _ack_counts(shop_id: int, key: str, domain: str, since: datetime) -> dict:
    """The shop's acknowledgements since `since` to this sender (its key: the local part
    itself or with a +tag) and to this domain ("": not counted, 0), each counted up to
    its limit only. Found by the stored recipient key or domain (OutboundEmail.to_key,
    to_domain) and its index with the time, and only then each row's shop
    (cases.queries.of_shop: with a join, SQLite walked every case of the shop and all
    their mail). Written in SQL: the ORM spent more building this query than the
    database running it."""
    ops = connection.ops
    outbox = ops.quote_name(OutboundEmail._meta.db_table)
    since_value = ops.adapt_datetimefield_value(since)

    def counted(column: str) -> str:
        return (
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {outbox} o WHERE o.{column} = %s"  # noqa: S608 — table and column names from the models; every value a parameter
            " AND o.created_at >= %s AND o.kind = %s"
            f" AND {of_shop('o')} LIMIT %s) n)"
        )

    sql = f"SELECT {counted('to_key')}, " + (counted("to_domain") if domain else "0")
    params = [key, since_value, OutboundKind.ACK, shop_id, settings.ACKS_PER_SENDER_PER_HOUR]
    if domain:
        params += [
            domain,
            since_value,
            OutboundKind.ACK,
            shop_id,
            settings.ACKS_PER_DOMAIN_PER_HOUR,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        same_sender, same_domain = cursor.fetchone()
    return {"sender": same_sender, "domain": same_domain}
