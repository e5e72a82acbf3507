"""Saved replies: starting points with variables, and rule R6's check that the agent
made one into an answer to this customer's actual question before sending it."""

import re

from django.db.models import Case as Choose
from django.db.models import IntegerField, Value, When

from kundsvar.cases.models import SavedReply

VARIABLES = {
    "customer_first_name": "the customer's first name",
    "customer_name": "the customer's full name",
    "case_number": "the case number",
    "shop_name": "the shop's name",
    "agent_first_name": "your first name",
    # From the case's certain or confirmed order (commerce.matching.certain_order); left
    # in braces for the agent to fill in when the case has none.
    "order_number": "the order number",
    "order_status": "the order's status",
    "tracking_link": "the parcel's tracking link",
    "carrier": "the carrier",
    "carrier_phone": "the carrier's customer-service phone",
    "expected_delivery": "when the order is expected to arrive",
}
ORDER_VARIABLES = (
    "order_number",
    "order_status",
    "tracking_link",
    "carrier",
    "carrier_phone",
    "expected_delivery",
)
# A reply counts as adapted once the agent wrote at least this much of their own.
OWN_WORDS_MIN = 15
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Anything in braces, an unclosed "{…" up to the end of the line, or a stray "}".
_BRACED = re.compile(r"\{[^{}\n]*\}?|\}")


def problems(body: str) -> list[str]:
    """The placeholders in `body` that are not one of VARIABLES written plainly, as
    written ("{kund", "{0}", "{customer_name[0]}", "}"), in order, once each."""
    found = []
    for match in _BRACED.finditer(body):
        text = match.group()
        plain = _PLACEHOLDER.fullmatch(text)
        if (plain is None or plain.group(1) not in VARIABLES) and text not in found:
            found.append(text)
    return found


def context(case, agent) -> dict:
    return {
        "customer_first_name": case.customer.first_name,
        "customer_name": case.customer.name,
        "case_number": case.number,
        "shop_name": case.shop.name,
        "agent_first_name": agent.first_name,
    }


def order_context(case) -> dict:
    """The order variables, in the case's language, once per case object (the case view
    renders every saved reply). Only the order proven to be the customer's (rule A5)."""
    cached = getattr(case, "_saved_reply_order_vars", None)
    if cached is None:
        from kundsvar.commerce.panels import saved_reply_variables

        cached = saved_reply_variables(case)
        case._saved_reply_order_vars = cached
    return cached


def render(reply: SavedReply, case, agent) -> str:
    values = context(case, agent)
    if set(_PLACEHOLDER.findall(reply.body)) & set(ORDER_VARIABLES):
        values.update(order_context(case))
    # Plain {name} only, never str.format: a stray brace made it raise on every case
    # page of the shop, and its {x.attr} and {x[0]} reach into the objects behind the
    # values. Anything else, and a variable without a value, stays as text for the agent.
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group())), reply.body)


def for_case(case):
    """The shop's saved replies, those in the case's language first (rule R7)."""
    return (
        SavedReply.objects.filter(shop_id=case.shop_id)
        .annotate(
            other_language=Choose(
                When(language=case.language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("other_language", "title")
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def unadapted(body: str, inserted: list[str]) -> list[str]:
    """Why the body still reads like an unedited saved reply ([] when it does not)."""
    reasons = []
    if _PLACEHOLDER.search(body):
        reasons.append("placeholders")
    own = _words(body)
    for text in inserted:
        own = own.replace(_words(text), "")
    if inserted and len(own.strip()) < OWN_WORDS_MIN:
        reasons.append("unchanged")
    return reasons
