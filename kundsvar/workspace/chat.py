"""The agents' chat inbox: availability, the shop's waiting and running chats, several
chats open side by side (each with saved replies and the customer's orders), transfer
and end. Live updates come by Server-Sent Events on the shop's chat stream
(`kundsvar.live`); every write goes through `channels.chat.services`, so a chat line is
a message on its case like any other."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kundsvar.accounts.models import Agent, Membership
from kundsvar.cases import attachments, queries
from kundsvar.cases.models import Direction
from kundsvar.channels.chat import events as chat_events
from kundsvar.channels.chat import services as chat
from kundsvar.channels.chat.models import LIVE_STATES, AgentStatus, Availability, Chat, shop_stream
from kundsvar.channels.chat.views import FileForm
from kundsvar.live import sse
from kundsvar.shops.models import Shop

from . import saved_replies
from .panels import render_panels


def _shops(agent):
    shops = Shop.objects.order_by("name")
    return shops if agent.is_superuser else shops.filter(memberships__agent=agent)


def _shop(request) -> Shop:
    shops = _shops(request.user)
    wanted = request.GET.get("shop", "")
    shop = shops.filter(pk=int(wanted)).first() if wanted.isdigit() else shops.first()
    if shop is None:
        raise PermissionDenied
    return shop


def _chat(request, number) -> Chat:
    """A chat of a shop the agent works for; another shop's is not found."""
    return get_object_or_404(
        Chat.objects.select_related("case", "shop", "agent"),
        case__in=queries.cases_for(request.user),
        case__number=number,
    )


@login_required
@require_GET
def inbox(request):
    shop = _shop(request)
    chats = (
        Chat.objects.filter(shop=shop, state__in=LIVE_STATES)
        .select_related("case__customer", "agent")
        .order_by("started_at")
    )
    status = AgentStatus.objects.filter(agent=request.user).first()
    return render(
        request,
        "chat/inbox.html",
        {
            "shop": shop,
            "shops": _shops(request.user),
            "availability": status.availability if status else Availability.OFFLINE,
            "availabilities": Availability.choices,
            "config": {
                "me": request.user.pk,
                "shop": shop.pk,
                "chats": [chat_events.summary(c) for c in chats],
                "last": sse.last_seq_of(shop_stream(shop.pk)),
                "urls": {
                    "events": f"{reverse('chat_agent:events')}?shop={shop.pk}",
                    "poll": f"{reverse('chat_agent:poll')}?shop={shop.pk}",
                    "availability": reverse("chat_agent:availability"),
                    "pane": reverse("chat_agent:pane", args=[0]).removesuffix("0/"),
                    "attachment": reverse("cases:attachment", args=[1, 2]),
                },
                "words": {
                    "new_chat": _("New chat"),
                    "take": _("Take"),
                    "with": _("With %(name)s"),
                    "ended": _("The chat has ended."),
                    "left": _("The customer left a message instead."),
                    "transferred": _("Transferred to %(name)s."),
                    "accepted": _("%(name)s took the chat."),
                    "connected": _("Live"),
                    "polling": _("Live updates by polling"),
                    "reconnecting": _("Reconnecting…"),
                    "confirm_end": _("End this chat?"),
                    "customer": _("Customer"),
                },
            },
        },
    )


@login_required
@require_GET
def pane(request, number):
    item = _chat(request, number)
    case = item.case
    messages = (
        case.messages.filter(direction__in=[Direction.INBOUND, Direction.OUTBOUND])
        .select_related("author")
        .prefetch_related("attachments")
    )
    return render(
        request,
        "chat/_pane.html",
        {
            "chat": item,
            "case": case,
            "summary": chat_events.summary(item),
            "messages": [
                {
                    **chat_events.message_payload(m),
                    "attachments": [{"id": a.pk, "name": a.filename} for a in m.attachments.all()],
                }
                for m in messages
            ],
            "saved_replies": [
                (r, saved_replies.render(r, case, request.user))
                for r in saved_replies.for_case(case)
            ],
            "panels": render_panels(case, request.user),
            "colleagues": Agent.objects.filter(memberships__shop=item.shop_id, is_active=True)
            .exclude(pk=request.user.pk)
            .order_by("first_name"),
            "mine": item.agent_id == request.user.pk,
        },
    )


def _attempt(write, *args, **kwargs) -> JsonResponse:
    try:
        write(*args, **kwargs)
    except chat.ChatError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def send(request, number):
    """An agent's line, with at most one file: the customer's rules (10 MB, a photo, a
    PDF or a text file whose first bytes match its name)."""
    item = _chat(request, number)
    text = request.POST.get("text", "").strip()[:5000]
    form = FileForm(files={"attachment": request.FILES["file"]} if "file" in request.FILES else {})
    if not form.is_valid():
        return JsonResponse({"error": " ".join(form.errors["attachment"])}, status=400)
    upload = form.cleaned_data["attachment"]
    if not text and upload is None:
        return JsonResponse({"error": "empty"}, status=400)
    try:
        chat.answer(item, request.user, text, file=attachments.uploaded(upload) if upload else None)
    except (chat.ChatError, ValueError) as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def accept(request, number):
    return _attempt(chat.accept, _chat(request, number), request.user)


@login_required
@require_POST
def transfer(request, number):
    item = _chat(request, number)
    to = request.POST.get("to", "")
    colleague = get_object_or_404(
        Agent, pk=int(to) if to.isdigit() else 0, is_active=True, memberships__shop=item.shop_id
    )
    return _attempt(chat.transfer, item, request.user, colleague)


@login_required
@require_POST
def end(request, number):
    return _attempt(chat.end, _chat(request, number), by="agent", actor=request.user)


@login_required
@require_POST
def typing(request, number):
    item = _chat(request, number)
    return JsonResponse({"sent": chat.typing(item, side="agent", agent=request.user)})


@login_required
@require_POST
def availability(request):
    """The agent's availability; the open inbox repeats it every 30 s as "still here"."""
    try:
        status = chat.set_availability(request.user, request.POST.get("availability", ""))
    except chat.ChatError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"availability": status.availability, "at": timezone.now().isoformat()})


@login_required
@require_GET
def poll(request):
    """The fallback when event streams are blocked."""
    shop = _shop(request)
    return JsonResponse(sse.poll(shop_stream(shop.pk), sse.last_seen(request)))


def _member(agent_id: int, shop_id: int, superuser: bool) -> bool:
    return superuser or Membership.objects.filter(agent_id=agent_id, shop_id=shop_id).exists()


async def stream(request):
    """The shop's chat stream for its agents (async: held open under uvicorn)."""
    user = await request.auser()
    await sse.release_request_connections()  # before waiting for the live threads
    if not user.is_authenticated:
        return HttpResponseForbidden()
    wanted = request.GET.get("shop", "")
    if not wanted.isdigit():
        raise Http404
    if not await sse.read(_member, user.pk, int(wanted), user.is_superuser):
        raise Http404
    return sse.response(shop_stream(int(wanted)), sse.last_seen(request))
