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

import re

from kundsvar.cases.models import Case, Message, Participant
from kundsvar.cases.services import accepts_follow_ups
from kundsvar.channels.registry import Thread
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


def _cases_by_message_ids(shop, groups: list[list[str]]) -> list[list[tuple[Case, bool]]]:
    """For each group of Message-IDs, the cases that sent (our outbox) or received (the
    customer's mail) one of them, each with whether one of the group's ids is ours.
    Three queries for every group together (In-Reply-To and References), none without ids."""
    ids = [i for group in groups for i in group]
    if not ids:
        return [[] for _ in groups]
    ours = list(
        OutboundEmail.objects.filter(case__shop=shop, message_id__in=ids).values_list(
            "message_id", "case_id"
        )
    )
    theirs = list(
        Message.objects.filter(case__shop=shop, message_id__in=ids).values_list(
            "message_id", "case_id"
        )
    )
    found = {pk for _, pk in ours + theirs}
    cases = (
        list(Case.objects.filter(pk__in=found).select_related("merged_into").order_by("pk"))
        if found
        else []
    )
    result = []
    for group in groups:
        wanted = set(group)
        our_cases = {pk for mid, pk in ours if mid in wanted}
        group_cases = our_cases | {pk for mid, pk in theirs if mid in wanted}
        result.append([(case, case.pk in our_cases) for case in cases if case.pk in group_cases])
    return result


def may_join(case: Case, sender: str) -> bool:
    sender = sender.lower()
    if Participant.objects.filter(case=case, address__iexact=sender).exists():
        return True
    return CustomerEmail.objects.filter(
        customer_id=case.customer_id, address__iexact=sender
    ).exists()


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
    by_reply, by_reference = _cases_by_message_ids(shop, [direct, refs])
    candidates += [("in_reply_to", *c) for c in by_reply]
    candidates += [("references", *c) for c in by_reference]
    numbers = [int(n) for n in SUBJECT_TAG.findall(subject or "")]
    plus = plus_number(recipients, shop.email)
    wanted = [*numbers, *([plus] if plus else [])]
    by_number = (
        {c.number: c for c in Case.objects.filter(shop=shop, number__in=wanted)} if wanted else {}
    )
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
