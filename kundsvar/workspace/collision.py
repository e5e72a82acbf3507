"""Two agents on one case: live "Anna is viewing" and "Anna is typing a reply" on the
case page. The page says where its agent is (`here`: viewing, typing, left) and listens
to the case's stream (`stream`); these are passing signals of `kundsvar.live`, never
stored. The hard stop before a second answer is `cases.services.reply`'s (StaleView)."""

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from kundsvar.cases import queries, services
from kundsvar.live import services as live
from kundsvar.live import sse

STATES = ("viewing", "typing", "noting", "left")


def case_stream(case_id: int) -> str:
    return f"case.{case_id}"


@login_required
@require_POST
def here(request, number):
    """The open case page's heartbeat (every 20 s), its agent typing (at most every few
    seconds, throttled by the page) or leaving."""
    case = get_object_or_404(queries.cases_for(request.user).only("pk"), number=number)
    state = request.POST.get("state", "")
    if state not in STATES:
        return JsonResponse({"error": "state"}, status=400)
    if state == "viewing":
        services.mark_seen(case, request.user)  # the polled notice (no script) agrees
    agent = request.user
    live.signal(
        case_stream(case.pk),
        state,
        {
            "agent": agent.pk,
            "name": agent.first_name or agent.get_username(),
            "hello": request.POST.get("hello") == "1",
        },
    )
    return JsonResponse({"sent": state})


def _case_id(agent_id: int, superuser: bool, number: int) -> int | None:
    from kundsvar.accounts.models import Agent

    agent = Agent(pk=agent_id, is_superuser=superuser)
    return queries.cases_for(agent).filter(number=number).values_list("pk", flat=True).first()


async def stream(request, number):
    """The case's live signals for the agents who may open it (async, under uvicorn)."""
    user = await request.auser()
    case_id = None
    if user.is_authenticated:  # one quick read on the request's connection, then let go
        case_id = await sync_to_async(_case_id)(user.pk, user.is_superuser, number)
    await sse.release_request_connections()
    if not user.is_authenticated:
        return HttpResponseForbidden()
    if case_id is None:
        raise Http404
    return sse.response(case_stream(case_id), sse.last_seen(request))
