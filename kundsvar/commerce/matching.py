"""Matching an inquiry to its customer and order (rule C4).

Customers often give no order number and write from another address than the one they
ordered with. Everything the case's messages say is evidence: order numbers (with or
without "#", after "order", "ordernr", "beställning" …), tracking numbers, the sender's
addresses, name, phone and postcode. Each order found becomes a `CaseOrder` with the
reasons (codes) and a confidence 0–100 for the agent to see.

`certain` is stricter than a high confidence: it means the evidence proves the order is
this customer's — a number or tracking number *and* something only the buyer knows
(their address, phone or postcode), or the buyer's own email address. A name alone never
is: two customers can share one. Only a certain (or agent-confirmed) order is ever shown
to the customer (`certain_order`, rule A5).
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, Direction, EventKind
from kundsvar.core import batchcache
from kundsvar.customers.models import CustomerEmail, CustomerPhone
from kundsvar.customers.services import add_email, merge_customers
from kundsvar.search.services import index_on_commit

from .carriers import find_tracking_numbers
from .models import CaseOrder, MatchState, Order, Shipment

log = logging.getLogger(__name__)

# Reason codes, stored on CaseOrder.reasons and translated when shown (panels.REASONS).
ORDER_NUMBER = "order_number"
TRACKING_NUMBER = "tracking_number"
EMAIL = "email"
CUSTOMER = "customer"
PHONE = "phone"
POSTCODE = "postcode"
NAME = "name"
IDENTIFYING = {ORDER_NUMBER, TRACKING_NUMBER}
# Evidence that the writer is the buyer; with an identifying number it proves the link.
OWNING = {EMAIL, CUSTOMER, PHONE, POSTCODE}

# Points per kind of evidence. An order number given as one ("order 10234", "#10234")
# weighs more than the same digits found loose in the text.
EXPLICIT_NUMBER_POINTS = 50
BARE_NUMBER_POINTS = 35
TRACKING_POINTS = 50
BOTH_NUMBERS_BONUS = 10
OWNING_POINTS = {EMAIL: 40, CUSTOMER: 40, PHONE: 30, POSTCODE: 20}
NAME_POINTS = 15
# Without a number: the buyer's most recent orders, newest first, a little less each.
RECENT_ORDERS = 3
RECENT_STEP = 5
NAME_ORDERS = 5
MAX_NUMBERS = 60

_WORDS = (
    r"order(?:n|nr|nummer|number|no)?|ordre(?:n|nr|nummer)?|best(?:ä|a)llning(?:en|snr|"
    r"snummer)?|bestilling(?:en|snr|snummer)?"
)
_EXPLICIT = re.compile(
    rf"(?:\b(?:{_WORDS})\b\.?\s*(?:nr\.?|nummer|number|no\.?|n:o)?\s*[:.]?\s*#?\s*|#\s?)"
    r"([A-Z0-9][A-Z0-9-]{1,40})",
    re.IGNORECASE,
)
_BARE = re.compile(r"(?<![\w#-])([A-Z]{0,5}-?\d{3,30}(?:-\d{1,10})?)(?![\w-])", re.IGNORECASE)
_CASE_TAG = re.compile(r"\[#\d+\]")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d \-]{6,16}\d(?!\w)")
_POSTCODE = re.compile(r"(?<![\w-])(\d{3} ?\d{2}|\d{4})(?![\w-])")
PHONE_KEY_DIGITS = 8


class MatchError(ValueError):
    """A link the rules do not allow (another shop's order); the message is safe to show."""


@dataclass
class Evidence:
    explicit_numbers: set[str] = field(default_factory=set)
    bare_numbers: set[str] = field(default_factory=set)
    tracking: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # as written, for the lookup
    name_keys: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    # When the customer last wrote: an order placed later cannot be what they wrote about.
    written_until: datetime | None = None


@dataclass
class Scored:
    order: Order
    confidence: int
    certain: bool
    reasons: list[str]
    # Named by the customer: an explicit order number or a tracking number, or loose
    # digits that equal the number of an order the writer owns.
    named: bool = False


def name_key(name: str) -> str:
    """ "Åsa  Öberg", "öberg åsa" and "Asa Oberg" are one name; one word is not a name."""
    plain = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    words = sorted(re.findall(r"\w+", plain))
    return " ".join(words) if len(words) >= 2 else ""


def phone_key(number: str) -> str:
    """The last eight digits: "+46 70-123 45 67" and "070 123 45 67" agree."""
    digits = re.sub(r"\D", "", number or "")
    return digits[-PHONE_KEY_DIGITS:] if len(digits) >= PHONE_KEY_DIGITS else ""


def _number_key(number: str) -> str:
    return number.strip().lstrip("#").upper()


def order_numbers(text: str, *, exclude: set[str] = frozenset()) -> tuple[set[str], set[str]]:
    """(numbers given as order numbers, other number-like tokens) in `text`."""
    text = _CASE_TAG.sub(" ", text)
    explicit = {_number_key(m) for m in _EXPLICIT.findall(text) if re.search(r"\d", m)}
    bare = {_number_key(m) for m in _BARE.findall(text)}
    return explicit - exclude, bare - explicit - exclude


def _inbound_texts(case: Case) -> list:
    return list(
        case.messages.filter(direction=Direction.INBOUND).only(
            "subject", "new_text", "body_text", "from_address", "from_name", "created_at"
        )
    )


def gather(case: Case) -> Evidence:
    """Everything the customer's messages and the known customer say."""
    evidence = Evidence()
    own_number = {str(case.number)}
    customer = case.customer
    for message in _inbound_texts(case):
        text = f"{message.subject}\n{message.new_text or message.body_text}"
        explicit, bare = order_numbers(text, exclude=own_number)
        evidence.explicit_numbers |= explicit
        evidence.bare_numbers |= bare
        evidence.tracking |= {number.upper() for number, _code in find_tracking_numbers(text)}
        evidence.phones |= {key for key in map(phone_key, _PHONE.findall(text)) if key}
        evidence.postcodes |= {code.replace(" ", "") for code in _POSTCODE.findall(text)}
        if message.from_address:
            evidence.addresses.add(message.from_address.strip().lower())
        if message.from_name:
            evidence.names.add(message.from_name.strip())
        if evidence.written_until is None or message.created_at > evidence.written_until:
            evidence.written_until = message.created_at
    evidence.postcodes -= evidence.explicit_numbers
    evidence.addresses |= {
        a.lower()
        for a in CustomerEmail.objects.filter(customer=customer).values_list("address", flat=True)
    }
    evidence.phones |= {
        key
        for key in map(
            phone_key,
            CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True),
        )
        if key
    }
    if customer.name:
        evidence.names.add(customer.name.strip())
    evidence.names = {name for name in evidence.names if name_key(name)}
    evidence.name_keys = {name_key(name) for name in evidence.names}
    return evidence


def _candidates(case: Case, ev: Evidence) -> tuple[dict[int, Order], set[int], set[int]]:
    """Orders of the case's shop that any evidence points at, by one query per kind."""
    shop_orders = Order.objects.filter(
        shop_id=case.shop_id, placed_at__lte=ev.written_until or case.received_at
    )
    numbers = sorted(ev.explicit_numbers | ev.bare_numbers)[:MAX_NUMBERS]
    found: dict[int, Order] = {}
    if numbers:
        found.update((o.pk, o) for o in shop_orders.filter(number__in=numbers))
    tracked = set()
    if ev.tracking:
        tracked = set(
            Shipment.objects.filter(
                order__shop_id=case.shop_id, tracking_number__in=sorted(ev.tracking)
            ).values_list("order_id", flat=True)
        )
        found.update((o.pk, o) for o in shop_orders.filter(pk__in=tracked - set(found)))
    owned = Q(customer_id=case.customer_id)
    for address in sorted(ev.addresses):
        owned |= Q(email__iexact=address)
    recent = list(shop_orders.filter(owned).order_by("-placed_at", "-id")[:RECENT_ORDERS])
    named = []
    if ev.names:
        by_name = Q()
        for name in sorted(ev.names):
            by_name |= Q(name__iexact=name)
        named = [
            o
            for o in shop_orders.filter(by_name).order_by("-placed_at", "-id")[: NAME_ORDERS * 2]
            if name_key(o.name) in ev.name_keys
        ][:NAME_ORDERS]
    recent_ids = [o.pk for o in recent]
    for order in [*recent, *named]:
        found.setdefault(order.pk, order)
    return found, tracked, set(recent_ids)


def _score(case: Case, order: Order, ev: Evidence, tracked: set[int]) -> Scored:
    reasons = []
    number = _number_key(order.number)
    points = 0
    if number in ev.explicit_numbers or number in ev.bare_numbers:
        reasons.append(ORDER_NUMBER)
        points = EXPLICIT_NUMBER_POINTS if number in ev.explicit_numbers else BARE_NUMBER_POINTS
    if order.pk in tracked:
        reasons.append(TRACKING_NUMBER)
        points = (max(points, TRACKING_POINTS) + BOTH_NUMBERS_BONUS) if points else TRACKING_POINTS
    if order.email and order.email.strip().lower() in ev.addresses:
        reasons.append(EMAIL)
    if order.customer_id and order.customer_id == case.customer_id:
        reasons.append(CUSTOMER)
    if phone_key(order.phone) and phone_key(order.phone) in ev.phones:
        reasons.append(PHONE)
    postcode = re.sub(r"\D", "", order.postcode or "")
    if postcode and postcode in ev.postcodes:
        reasons.append(POSTCODE)
    if name_key(order.name) and name_key(order.name) in ev.name_keys:
        reasons.append(NAME)
    owning = [OWNING_POINTS[r] for r in reasons if r in OWNING]
    # Email and customer say the same thing (the buyer's own address): count it once.
    if EMAIL in reasons and CUSTOMER in reasons:
        owning.remove(OWNING_POINTS[CUSTOMER])
    points += sum(owning) + (NAME_POINTS if NAME in reasons else 0)
    identified = bool(IDENTIFYING & set(reasons))
    owned = bool(OWNING & set(reasons))
    certain = bool({EMAIL, CUSTOMER} & set(reasons)) or (identified and owned)
    named = (
        order.pk in tracked or number in ev.explicit_numbers or (ORDER_NUMBER in reasons and owned)
    )
    return Scored(order, min(100, points), certain, reasons, named)


def score_orders(case: Case) -> list[Scored]:
    """Candidate orders with their reasons, most likely first (nothing is written)."""
    ev = gather(case)
    found, tracked, recent = _candidates(case, ev)
    scored = [_score(case, order, ev, tracked) for order in found.values()]
    named = [s for s in scored if s.named]
    if named:
        # The customer named the order: their other orders are not what this is about.
        chosen = named
    else:
        owned = [s for s in scored if s.order.pk in recent]
        owned.sort(key=lambda s: (s.order.placed_at, s.order.pk), reverse=True)
        for rank, item in enumerate(owned):
            item.confidence = max(RECENT_STEP, item.confidence - rank * RECENT_STEP)
        # Loose digits ("1200 kr") that happen to be someone's order number stay weak
        # suggestions beside the writer's own orders, never in their place.
        loose = [s for s in scored if ORDER_NUMBER in s.reasons and s.order.pk not in recent]
        # A name shared by two customers stays a suggestion for the agent, never certain.
        chosen = (owned + loose) or [s for s in scored if s.reasons]
    return sorted(chosen, key=lambda s: (-s.confidence, not s.certain, s.order.pk))


def shop_has_orders(shop_id: int) -> bool:
    """Has the shop any order at all? Without one no case of it can be linked to one.
    Asked for every message that comes in: read once per batch of mail (core.batchcache);
    `services.record_order` forgets it when it creates an order."""
    return batchcache.cached(
        shop_id, ("has_orders",), lambda: Order.objects.filter(shop_id=shop_id).exists()
    )


def match_case(case: Case, *, now: datetime | None = None) -> list[CaseOrder]:
    """Find the orders this case is probably about; store them as CaseOrder rows.

    Safe to run again on every new message: evidence only adds up. A link an agent
    confirmed or rejected keeps the agent's decision."""
    if not shop_has_orders(case.shop_id):
        return []  # a shop without orders (no platform connected): nothing to look at
    now = now or timezone.now()
    scored = score_orders(case)
    with transaction.atomic():
        existing = {link.order_id: link for link in CaseOrder.objects.filter(case=case)}
        new = [
            CaseOrder(
                case=case,
                order=s.order,
                confidence=s.confidence,
                certain=s.certain,
                reasons=s.reasons,
                created_at=now,
            )
            for s in scored
            if s.order.pk not in existing
        ]
        CaseOrder.objects.bulk_create(new, ignore_conflicts=True)
        for s in scored:
            link = existing.get(s.order.pk)
            if link and link.state == MatchState.SUGGESTED and _stronger(link, s):
                CaseOrder.objects.filter(pk=link.pk, state=MatchState.SUGGESTED).update(
                    confidence=max(link.confidence, s.confidence),
                    certain=link.certain or s.certain,
                    reasons=sorted(set(link.reasons) | set(s.reasons), key=_reason_order),
                )
        for s in scored:
            if s.certain:
                link_customer(case, s.order)
    return list(
        CaseOrder.objects.filter(case=case)
        .exclude(state=MatchState.REJECTED)
        .select_related("order")
    )


def _stronger(link: CaseOrder, scored: Scored) -> bool:
    return (
        scored.confidence > link.confidence
        or (scored.certain and not link.certain)
        or not set(scored.reasons) <= set(link.reasons)
    )


_ORDERED_REASONS = [ORDER_NUMBER, TRACKING_NUMBER, EMAIL, CUSTOMER, PHONE, POSTCODE, NAME]


def _reason_order(code: str) -> int:
    return _ORDERED_REASONS.index(code) if code in _ORDERED_REASONS else len(_ORDERED_REASONS)


def link_customer(case: Case, order: Order) -> None:
    """A proven link: the order gets the case's customer when it has none, and the
    customer learns the order's address when that address is nobody's yet.

    When the order already belongs to another Customer row, the writer is that buyer
    under another address: the case's customer is merged into the buyer (rule C5), unless
    it has orders of its own — then they may be two people, and the agent decides."""
    if order.customer_id is None:
        updated = Order.objects.filter(pk=order.pk, customer__isnull=True).update(
            customer_id=case.customer_id
        )
        if updated:
            order.customer_id = case.customer_id
    elif order.customer_id != case.customer_id:
        if Order.objects.filter(customer_id=case.customer_id).exists():
            log.info(
                "case %s: customer %s and order %s's customer %s may be one person",
                case.number,
                case.customer_id,
                order.number,
                order.customer_id,
            )
            return
        merged = case.customer
        case.customer = merge_customers(merged, order.customer)
        index_on_commit(*case.customer.cases.values_list("pk", flat=True))
        return
    if order.email:
        try:
            with transaction.atomic():
                add_email(case.customer, order.email)
        except IntegrityError:  # the address was taken a moment ago: it stays theirs
            log.info("case %s: order address already belongs to a customer", case.number)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def link_confirmed(
    case: Case, order: Order, *, agent=None, reason: str = "agent", now: datetime | None = None
) -> CaseOrder:
    """Link `case` to `order` for certain (an agent's click, or a signed link).

    One order is confirmed per case: confirming another one moves the earlier one back
    to a suggestion."""
    if order.shop_id != case.shop_id:
        raise MatchError("The order belongs to another shop.")
    now = now or timezone.now()
    _lock(case)
    CaseOrder.objects.filter(case=case, state=MatchState.CONFIRMED).exclude(order=order).update(
        state=MatchState.SUGGESTED, decided_by=agent, decided_at=now
    )
    link, created = CaseOrder.objects.get_or_create(
        case=case,
        order=order,
        defaults={
            "state": MatchState.CONFIRMED,
            "confidence": 100,
            "certain": True,
            "reasons": [reason],
            "decided_by": agent,
            "created_at": now,
            "decided_at": now,
        },
    )
    if not created:
        link.state = MatchState.CONFIRMED
        link.confidence = 100
        link.certain = True
        link.reasons = sorted({*link.reasons, reason}, key=_reason_order)
        link.decided_by = agent
        link.decided_at = now
        link.save(
            update_fields=["state", "confidence", "certain", "reasons", "decided_by", "decided_at"]
        )
    link_customer(case, order)
    record_event(
        case, EventKind.ORDER_LINKED, at=now, actor=agent, order=order.number, reason=reason
    )
    return link


@transaction.atomic
def reject(case: Case, order: Order, *, agent=None, now: datetime | None = None) -> int:
    """Not this order (a wrong suggestion, or an unlinked confirmation). Matching again
    never brings a rejected order back; confirming it later does."""
    now = now or timezone.now()
    _lock(case)
    changed = (
        CaseOrder.objects.filter(case=case, order=order)
        .exclude(state=MatchState.REJECTED)
        .update(state=MatchState.REJECTED, certain=False, decided_by=agent, decided_at=now)
    )
    if changed:
        record_event(case, EventKind.ORDER_UNLINKED, at=now, actor=agent, order=order.number)
    return changed


def ranked_links(case: Case, links: list[CaseOrder] | None = None) -> list[CaseOrder]:
    """The case's live links: the confirmed one first, then most likely first."""
    if links is None:
        links = list(CaseOrder.objects.filter(case=case).select_related("order"))
    live = [link for link in links if link.state != MatchState.REJECTED]
    return sorted(
        live,
        key=lambda link: (
            link.state != MatchState.CONFIRMED,
            -link.confidence,
            not link.certain,
            link.pk,
        ),
    )


def certain_from(case: Case, ranked: list[CaseOrder]) -> Order | None:
    """The order `certain_order` means, from links already ranked."""
    if not ranked:
        return None
    top = ranked[0]
    if top.state == MatchState.CONFIRMED or top.certain:
        return top.order if top.order.shop_id == case.shop_id else None
    return None


def certain_order(case: Case) -> Order | None:
    """The only order ever shown to the customer (rule A5): the confirmed one, else the
    most likely one when it is proven theirs. A more likely order that is not proven
    hides the rest: better no order status than the wrong one."""
    return certain_from(case, ranked_links(case))
