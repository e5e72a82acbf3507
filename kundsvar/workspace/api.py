"""Cases over the JSON API: the queue and search, one case with its conversation, and
the writes an agent makes in the workspace, each through the same service.

A case of a shop the token's agent does not work for is answered exactly like a case
that does not exist (404): the API never tells whether a number is in use.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from ninja import Path, Query, Router, Schema
from ninja import Status as Respond
from pydantic import Field

from kundsvar.accounts.models import Agent
from kundsvar.api import (
    MAX_INT,
    ApiError,
    Email,
    Id,
    Limit,
    Offset,
    Page,
    Slug,
    Text,
    api,
    errors,
    reject_unknown_query,
)
from kundsvar.cases import queries, services
from kundsvar.cases.models import Case, Channel, Direction, Message, SlaState, Status
from kundsvar.intake import services as intake
from kundsvar.shops.models import Language, Shop
from kundsvar.sla.promise import promise_text

router = Router(tags=["cases"])

View = Literal["open", "mine", "waiting", "closed"]
Then = Literal["answered", "waiting", "closed"]
Number = Annotated[int, Path(ge=1, le=MAX_INT, description="The case number.", example=10001)]
MAX_TEXT = 100_000


class AgentRef(Schema):
    id: int
    name: str


class CustomerRef(Schema):
    id: int
    name: str
    email: str = Field(description="The first address; empty for a phone-only customer.")


class CaseSummary(Schema):
    number: int
    shop: str = Field(description="The shop's short name (slug).")
    subject: str
    status: Status
    channel: Channel
    language: str = Field(
        description=(
            "The language the customer is answered in (sv, nb, da, en): detected from their first "
            "message, the fallback's for a text too short to tell, or as an agent set it."
        )
    )
    customer: CustomerRef
    assignee: AgentRef | None
    tags: list[str]
    received_at: datetime
    first_response_at: datetime | None
    due_at: datetime | None = Field(description="When the answer is due; null if none is owed.")
    sla_state: SlaState
    is_follow_up: bool
    merged_into: int | None = Field(description="The case number this one was merged into.")
    updated_at: datetime


class Promise(Schema):
    due_at: datetime | None
    sla_state: SlaState
    text: str | None = Field(
        description=(
            "The promise as the customer reads it: the shop's local time in the case's "
            'language, e.g. "senast tisdag 24 november kl. 14.00". Null if none is owed.'
        )
    )
    follow_up: bool
    beyond_ceiling: bool


class MessageOut(Schema):
    id: int
    direction: Direction = Field(
        description="in: from the customer; out: to the customer; note: internal, never sent."
    )
    channel: Channel
    author: AgentRef | None = Field(description="The agent who wrote a reply or note.")
    from_address: str
    from_name: str
    subject: str
    new_text: str = Field(description="What is new in the message: quotes and signature removed.")
    body_text: str
    created_at: datetime


class CaseDetail(CaseSummary):
    promise: Promise
    messages: list[MessageOut]


class CasePage(Page):
    items: list[CaseSummary]


class CaseFilters(Schema):
    view: View | None = Field(None, description="A queue view; all cases when left out.")
    status: Status | None = None
    shop: Slug | None = None
    q: Text | None = Field(
        None, max_length=200, description="Words in the subject or the messages, or a case number."
    )
    limit: Limit = 50
    offset: Offset = 0


class CaseIn(Schema):
    shop: Slug = Field(examples=["natbutiken"])
    channel: Channel = Channel.API
    email: Email | None = Field(None, description="The customer's address; replies go there.")
    name: Text = Field("", max_length=200, description="The customer's name.")
    subject: Text = Field("", max_length=200, description="Made from the text when empty.")
    text: Text = Field(min_length=1, max_length=MAX_TEXT)
    language: Language | None = Field(
        None,
        description=(
            "The customer's language. Left out: detected from the subject and text (sv, nb, da "
            "or en); for a text too short to tell (under five words, unless unmistakable) or in "
            "another language, the customer's earlier language, else the shop's."
        ),
    )


class ReplyIn(Schema):
    body: Text = Field(min_length=1, max_length=MAX_TEXT)
    then: Then = Field("answered", description="The case's status after the reply.")
    last_message_id: int | None = Field(
        None,
        description="The id of the last message you saw. When a reply was sent or the "
        "customer wrote after it, nothing is sent and the answer is 409; leave it out to "
        "send regardless.",
    )


class NoteIn(Schema):
    body: Text = Field(min_length=1, max_length=MAX_TEXT)


class AssignIn(Schema):
    agent_id: Id | None = Field(description="An agent of the case's shop; null for nobody.")


class StatusIn(Schema):
    status: Status


class LanguageIn(Schema):
    language: Language = Field(description="The language the customer is answered in.")


@router.get("", response={200: CasePage, **errors(422)}, summary="List and search cases")
def list_cases(request, filters: Query[CaseFilters]):
    reject_unknown_query(request, CaseFilters)
    qs = _cases(request.auth, filters)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_summary(case) for case in page],
    }


@router.post(
    "", response={201: CaseDetail, **errors(400, 404, 422)}, summary="Open a case (custom channels)"
)
def create_case(request, data: CaseIn):
    shop = _shop(request.auth, data.shop)
    # Through intake, as every channel: personal identity numbers masked before anything
    # is stored (C3), the order linked (C4), and an acknowledgement by email when the
    # channel is answered by email and the caller gave an address (A1–A5, A6).
    received = intake.receive(
        shop,
        data.channel,
        services.Inbound(
            from_address=data.email or "",
            from_name=data.name,
            subject=data.subject,
            body_text=data.text,
            new_text=data.text,
            language=data.language or "",
        ),
        new_case=True,  # an API call opens a case; it never joins one
    )
    return Respond(201, _detail(_case(request.auth, received.case.number)))


@router.get(
    "/{number}",
    response={200: CaseDetail, **errors(404, 422)},
    summary="One case with its messages and promise",
)
def get_case(request, number: Number):
    return _detail(_case(request.auth, number))


@router.post(
    "/{number}/replies",
    response={201: MessageOut, **errors(400, 404, 409, 422)},
    summary="Answer the customer",
)
def reply(request, number: Number, data: ReplyIn):
    case = _case(request.auth, number)
    try:
        message = services.reply(
            case, request.auth, data.body, then=data.then, seen_last_message=data.last_message_id
        )
    except services.StaleView as error:
        raise ApiError(409, "conflict", str(error)) from None
    return Respond(201, _message(message))


@router.post(
    "/{number}/notes",
    response={201: MessageOut, **errors(400, 404, 422)},
    summary="Add an internal note",
)
def add_note(request, number: Number, data: NoteIn):
    case = _case(request.auth, number)
    return Respond(201, _message(services.add_note(case, request.auth, data.body)))


@router.post(
    "/{number}/assign",
    response={200: CaseSummary, **errors(400, 404, 422)},
    summary="Give the case to an agent, or to nobody",
)
def assign(request, number: Number, data: AssignIn):
    case = _case(request.auth, number)
    assignee = None
    if data.agent_id is not None:
        # Looked up among the shop's agents only: no hint about agents elsewhere.
        assignee = Agent.objects.filter(
            pk=data.agent_id, is_active=True, memberships__shop=case.shop_id
        ).first()
        if assignee is None:  # exactly like an agent that does not exist
            raise ApiError(404, "not_found", "No such agent in this case's shop.")
    services.assign(case, assignee, actor=request.auth)
    return _summary(_case(request.auth, number))


@router.post(
    "/{number}/status",
    response={200: CaseSummary, **errors(400, 404, 422)},
    summary="Change the status",
)
def change_status(request, number: Number, data: StatusIn):
    case = _case(request.auth, number)
    services.change_status(case, data.status, actor=request.auth)
    return _summary(_case(request.auth, number))


@router.post(
    "/{number}/language",
    response={200: CaseSummary, **errors(400, 404, 422)},
    summary="Change the language the customer is answered in",
)
def set_language(request, number: Number, data: LanguageIn):
    case = _case(request.auth, number)
    services.set_language(case, data.language, actor=request.auth)
    return _summary(_case(request.auth, number))


def _cases(agent, filters: CaseFilters) -> QuerySet[Case]:
    if filters.view:
        qs = queries.queue(agent, filters.view)
    else:
        qs = (
            queries.cases_for(agent)
            .select_related("shop", "customer", "assignee")
            .prefetch_related("tags")
            .order_by("-received_at", "-id")
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.shop:
        qs = qs.filter(shop__slug=filters.shop)
    if filters.q and filters.q.strip():
        qs = _search(qs, filters.q.strip())
    return qs.select_related("merged_into").prefetch_related("customer__emails")


def _search(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """A plain match until the search module replaces it: the subject, any message's
    text, or the case number ("10234" or "#10234")."""
    in_messages = Message.objects.filter(
        Q(body_text__icontains=q) | Q(new_text__icontains=q), case=OuterRef("pk")
    )
    match = Q(subject__icontains=q) | Q(Exists(in_messages))
    digits = q.removeprefix("#")
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_INT:
        match |= Q(number=int(digits))
    return qs.filter(match)


def _case(agent, number: int) -> Case:
    case = (
        queries.cases_for(agent)
        .select_related("shop", "customer", "assignee", "merged_into")
        .prefetch_related("customer__emails", "tags")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise ApiError(404, "not_found", f"No case {number}.")
    return case


def _shop(agent, slug: str) -> Shop:
    shops = Shop.objects.all()
    if not agent.is_superuser:
        shops = shops.filter(memberships__agent=agent)
    shop = shops.filter(slug=slug).first()
    if shop is None:
        raise ApiError(404, "not_found", f"No shop {slug!r} that you work for.")
    return shop


def _agent(agent) -> dict | None:
    return {"id": agent.pk, "name": str(agent)} if agent else None


def _summary(case: Case) -> dict:
    customer = case.customer
    return {
        "number": case.number,
        "shop": case.shop.slug,
        "subject": case.subject,
        "status": case.status,
        "channel": case.channel,
        "language": case.language,
        "customer": {"id": customer.pk, "name": customer.name, "email": customer.primary_email},
        "assignee": _agent(case.assignee),
        "tags": [tag.name for tag in case.tags.all()],
        "received_at": case.received_at,
        "first_response_at": case.first_response_at,
        "due_at": case.due_at,
        "sla_state": case.sla_state,
        "is_follow_up": case.is_follow_up,
        "merged_into": case.merged_into.number if case.merged_into else None,
        "updated_at": case.updated_at,
    }


def _detail(case: Case) -> dict:
    promise = promise_text(case.due_at, case.language, case.shop.tz) if case.due_at else None
    messages = case.messages.select_related("author").order_by("created_at", "id")
    return {
        **_summary(case),
        "promise": {
            "due_at": case.due_at,
            "sla_state": case.sla_state,
            "text": promise,
            "follow_up": case.is_follow_up,
            "beyond_ceiling": case.beyond_ceiling,
        },
        "messages": [_message(message) for message in messages],
    }


def _message(message: Message) -> dict:
    return {
        "id": message.pk,
        "direction": message.direction,
        "channel": message.channel,
        "author": _agent(message.author),
        "from_address": message.from_address,
        "from_name": message.from_name,
        "subject": message.subject,
        "new_text": message.new_text,
        "body_text": message.body_text,
        "created_at": message.created_at,
    }


api.add_router("/cases", router)
