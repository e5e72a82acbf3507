"""Which case does an inbound email belong to? (rule R5)

Evidence, strongest first: In-Reply-To/References naming one of our outgoing
Message-IDs or one of the customer's earlier ones; the case number in the subject
("[#10234]"); the per-case reply address ("kundtjanst+10234@"). A message joins a case
when its sender takes part in it (a participant, or any known address of the case's
customer): a stranger quoting someone else's case number gets a case of their own, never
a look into another customer's conversation. The one exception is a reply citing one of
*our own* Message-IDs: they are unguessable (emails.message_id), so the sender received
our mail — the customer's colleague, say — and joins the case as a new participant.
"""

import functools
import re
from collections.abc import Sequence

from django.db import connection

from kundsvar.cases.models import Case, Message, Participant
from kundsvar.cases.queries import of_shop
from kundsvar.cases.services import accepts_follow_ups
from kundsvar.channels.registry import Thread
from kundsvar.core.rows import fetch, marks
from kundsvar.customers.models import CustomerEmail

from .mimetext import message_ids
from .models import OutboundEmail

SUBJECT_TAG = re.compile(r"\[#(\d{4,9})\]")


def plus_number(addresses: list[str], shop_email: str) -> int | None:
    local, _, domain = shop_email.lower().partition("@")
    pattern = re.compile(rf"^{re.escape(local)}\+(\d{{4,9}})@{re.escape(domain)}$")
    for address in addresses:
        match = pattern.match(address.lower().strip())
        if match:
            return int(match.group(1))
    return None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _cited_cases(shop, ids: list[str]) -> list[tuple[str, int, bool]]:
    """(Message-ID, case id, whether the id is ours) for every id of `ids` that the
    shop's cases sent (our outbox) or received (the customer's mail). One fixed
    statement for both, as the ORM's two filters on `case__shop` but not compiled again
    for every message that comes in (the ids are parameters; only their count varies)."""
    listed = marks(ids)
    sql = (
        f"SELECT o.message_id, o.case_id, 1 FROM {_table(OutboundEmail)} o "  # noqa: S608 — the models' tables; values are parameters
        f"WHERE o.message_id IN ({listed}) AND {of_shop('o')} "
        f"UNION ALL SELECT m.message_id, m.case_id, 0 FROM {_table(Message)} m "
        f"WHERE m.message_id IN ({listed}) AND {of_shop('m')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, shop.pk, *ids, shop.pk])
        return [(mid, case_id, bool(ours)) for mid, case_id, ours in cursor.fetchall()]


def _cases_by_message_ids(
    shop, groups: list[list[str]], numbers: Sequence[int] = ()
) -> tuple[list[list[tuple[Case, bool]]], dict[int, Case]]:
    """For each group of Message-IDs, the cases that sent (our outbox) or received (the
    customer's mail) one of them, each with whether one of the group's ids is ours; and
    the shop's cases with the `numbers` (from the subject or a per-case address), by
    number. Two fixed statements for all of it, none without ids or numbers."""
    ids = [i for group in groups for i in group]
    cited = _cited_cases(shop, ids) if ids else []
    found = sorted({case_id for _, case_id, _ in cited})
    conditions, params = [], []
    if found:
        conditions.append(f"t.id IN ({marks(found)})")
        params += found
    if numbers:
        conditions.append(f"(t.shop_id = %s AND t.number IN ({marks(numbers)}))")
        params += [shop.pk, *numbers]
    # A merged-away case (rare) loads the case it went into when asked (find_case).
    cases = fetch(Case, " OR ".join(conditions), params, tail="ORDER BY t.id") if params else []
    for case in cases:
        if case.shop_id == shop.pk:  # every one (both conditions are the shop's)
            case.shop = shop  # no query for it when the message is stored
    result = []
    for group in groups:
        group_ids = set(group)
        our_cases = {pk for mid, pk, ours in cited if ours and mid in group_ids}
        group_cases = {pk for mid, pk, _ in cited if mid in group_ids}
        result.append([(case, case.pk in our_cases) for case in cases if case.pk in group_cases])
    by_number = {c.number: c for c in cases if c.shop_id == shop.pk and c.number in numbers}
    return result, by_number


@functools.cache
def _may_join_sql(vendor: str) -> str:
    return (
        f"SELECT 1 FROM {_table(Participant)} WHERE case_id = %s AND LOWER(address) = %s "  # noqa: S608 — the models' tables; values are parameters
        f"UNION ALL SELECT 1 FROM {_table(CustomerEmail)} "
        "WHERE customer_id = %s AND LOWER(address) = %s LIMIT 1"
    )


def may_join(case: Case, sender: str) -> bool:
    """Does `sender` take part in the case: a participant, or an address of the case's
    customer? One fixed statement (it runs for nearly every reply that comes in)."""
    sender = sender.lower()
    with connection.cursor() as cursor:
        cursor.execute(
            _may_join_sql(connection.vendor), [case.pk, sender, case.customer_id, sender]
        )
        return cursor.fetchone() is not None


def find_case(
    shop,
    *,
    sender: str,
    subject: str,
    in_reply_to: str,
    references: str,
    recipients: list[str],
    now,
) -> Thread:
    candidates: list[tuple[str, Case, bool]] = []  # (how, case, cites our Message-ID)
    direct = message_ids(in_reply_to)
    refs = [i for i in message_ids(references) if i not in direct]
    numbers = [int(n) for n in SUBJECT_TAG.findall(subject or "")]
    plus = plus_number(recipients, shop.email)
    wanted = [*numbers, *([plus] if plus else [])]
    (by_reply, by_reference), by_number = _cases_by_message_ids(shop, [direct, refs], wanted)
    candidates += [("in_reply_to", *c) for c in by_reply]
    candidates += [("references", *c) for c in by_reference]
    candidates += [("subject", by_number[n], False) for n in numbers if n in by_number]
    if plus in by_number:
        candidates.append(("plus_address", by_number[plus], False))

    refused = None
    for how, case, ours in candidates:
        target = case.merged_into if case.merged_into_id else case
        known = may_join(target, sender)
        if not known and not (ours and "@" in sender):
            refused = refused or target.number
            continue
        if accepts_follow_ups(target, now):
            return Thread(target, how, new_participant=not known)
    return Thread(None, refused=refused)
