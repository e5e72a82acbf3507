"""The customer's side of the chat: the chat page (alone, inside the help widget's frame
with ?embed=1, or linked from the contact page), its JSON calls, and the live updates.

Anonymous, like the contact form: the POSTs are exempt from Django's CSRF check because
the widget's frame on the shop's site never gets our SameSite cookie. What guards a
chat is its token, signed and made when the chat starts, sent in the address of every
call; it opens that one chat and nothing else. Starting chats is rate limited per
address."""

import logging

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kundsvar.cases import attachments, files
from kundsvar.cases.models import Attachment, Direction
from kundsvar.channels.form.forms import ContactForm
from kundsvar.commerce.models import Order
from kundsvar.core import links, ratelimit
from kundsvar.core.embed import allow_framing
from kundsvar.core.language import customer_language, shop_languages
from kundsvar.core.phones import tel_href
from kundsvar.live import sse
from kundsvar.shopper import services as shopper_services
from kundsvar.shops.models import Shop
from kundsvar.sla.promise import promise_text

from . import callbacks, events, services, transcript, wait
from .models import Chat, ChatState

log = logging.getLogger(__name__)
TOKEN_DAYS = 7
PREFILL_DAYS = 120


def sign(chat: Chat) -> str:
    return links.sign("chat", {"c": chat.pk})


def _chat_id(token: str) -> int | None:
    data = links.unsign("chat", token, max_age_days=TOKEN_DAYS)
    value = data.get("c") if data else None
    return value if isinstance(value, int) else None


def _chat(token: str) -> Chat:
    chat_id = _chat_id(token)
    if chat_id is None:
        raise Http404
    return get_object_or_404(Chat.objects.select_related("shop", "case"), pk=chat_id)


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(message)}, status=status)


def _too_many_messages() -> JsonResponse:
    return _error(
        _("Many messages were sent from your connection. Please wait a few minutes."), 429
    )


def _limited(request) -> bool:
    """Too many chats or messages from one address in ten minutes."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return not ratelimit.allow_key(
        "chat_start", address, limit=django_settings.CHAT_STARTS_PER_ADDRESS
    )


def _prefill(shop, token: str) -> dict:
    """Name and email from the shop's signed contact link (rule C2): not asked again."""
    data = links.unsign("contact", token, max_age_days=PREFILL_DAYS) if token else None
    if not data or data.get("shop") != shop.pk:
        return {}
    found = {k: data[k] for k in ("name", "email") if isinstance(data.get(k), str) and data[k]}
    if isinstance(data.get("order"), int):
        found["order"] = data["order"]
    return found


class FileForm(forms.Form):
    """One file with a chat line: the contact form's rules (size, photo/PDF/text, the
    first bytes match the name), so a renamed program is not let through."""

    attachment = forms.FileField(required=False)
    clean_attachment = ContactForm.clean_attachment


def _line(request) -> services.Line:
    form = FileForm(files={"attachment": request.FILES["file"]} if "file" in request.FILES else {})
    if not form.is_valid():
        raise services.ChatError(" ".join(form.errors["attachment"]))
    upload = form.cleaned_data["attachment"]
    return services.Line(
        request.POST.get("text", "")[:5000], attachments.uploaded(upload) if upload else None
    )


def _email(value: str) -> str:
    value = value.strip()[:254]
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise services.ChatError(_("That email address does not look right.")) from None
    return value


def _status(shop, language: str) -> dict:
    """Before a chat starts: can one, and how long would it take (rule S5)."""
    settings = wait.settings_for(shop)
    now = timezone.now()
    load = wait.load_for(shop, now, settings)
    position = wait.waiting(shop).count() + 1
    seconds = wait.estimate(position, load)
    with translation.override(language):
        text = str(wait.wait_text(position, seconds))
    return {
        "enabled": settings.enabled,
        "online": load.online,
        "position": position,
        "wait_seconds": None if seconds is None else round(seconds),
        "text": text,
        "long": wait.is_long(seconds, settings),
    }


def _urls(shop) -> dict:
    return {
        "start": reverse("chat:start", args=[shop.slug]),
        "leave": reverse("chat:leave_new", args=[shop.slug]),
        "callback": reverse("chat:callback_new", args=[shop.slug]),
        "status": reverse("chat:status", args=[shop.slug]),
        # A chat's own calls: this prefix, its token, then send/, events/ …
        "chat": reverse("chat:events", args=["T"]).removesuffix("T/events/"),
    }


def _words() -> dict:
    """What the page's script says, in the customer's language."""
    return {
        "you": _("You"),
        "shop": _("Customer service"),
        "typing": _("%(name)s is writing…"),
        "someone": _("Customer service"),
        "accepted": _("%(name)s has joined the chat."),
        "transferred": _("You are now talking to %(name)s."),
        "ended": _("The chat has ended. Thank you!"),
        "left": _("Your message is saved; we answer you by email."),
        "failed": _("That did not go through. Please try again."),
        "reconnecting": _("Connection lost; reconnecting…"),
        "confirm_end": _("End the chat?"),
        "file": _("File"),
    }


@require_GET
def page(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    embed = request.GET.get("embed") == "1"
    prefill = _prefill(shop, request.GET.get("t", ""))
    with translation.override(language):
        response = render(
            request,
            "chat/chat.html",
            {
                "shop": shop,
                "language": language,
                "languages": shop_languages(shop),
                "embed": embed,
                "status": _status(shop, language),
                "prefill": prefill,
                "link_token": request.GET.get("t", ""),
                "phone_href": tel_href(shop.phone, shop.country),
                "config": {"urls": _urls(shop), "words": _words(), "lang": language},
            },
        )
    response["Cache-Control"] = "private, no-store"
    return allow_framing(response, shop) if embed else response


@require_GET
def status(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    return JsonResponse(_status(shop, customer_language(request, shop)))


def _chat_json(chat: Chat) -> dict:
    return {"token": sign(chat), "chat": chat.pk, "case": chat.case.number, "state": chat.state}


@csrf_exempt
@require_POST
def start(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    with translation.override(language):
        if not wait.settings_for(shop).enabled:
            return _error(_("The chat is closed. Write to us or call us instead."), 409)
        if _limited(request):
            return _error(
                _("Many chats were started from your connection. Please wait a few minutes."), 429
            )
        token = request.POST.get("t", "")
        prefill = _prefill(shop, token)
        try:
            order = (
                Order.objects.filter(pk=prefill["order"], shop=shop).first()
                if "order" in prefill
                else None
            )
            email = _email(request.POST.get("email", "") or prefill.get("email", ""))
            chat = services.start(
                shop,
                _line(request),
                name=(request.POST.get("name", "") or prefill.get("name", "")).strip()[:200],
                email=email,
                language=language,
                order=order,
                verified=shopper_services.verified_from_token(shop, token, email),
            )
        except services.ChatError as error:
            return _error(str(error))
    return JsonResponse(_chat_json(chat), status=201)


@csrf_exempt
@require_POST
def send(request, token):
    chat = _chat(token)
    with translation.override(chat.language):
        try:
            services.say(chat, _line(request))
        except services.ChatError as error:
            return _error(str(error))
    return JsonResponse({"ok": True}, status=201)


@csrf_exempt
@require_POST
def typing(request, token):
    chat = _chat(token)
    if chat.state not in (ChatState.WAITING, ChatState.ACTIVE):
        return JsonResponse({"sent": False})
    return JsonResponse({"sent": services.typing(chat, side="customer")})


@csrf_exempt
@require_POST
def heartbeat(request, token):
    """The page is open (every 30 s) and asks where it stands: the polling fallback's
    queue figures, and the customer counted as present for answers (channel.py)."""
    chat = _chat(token)
    services.seen(chat)
    return JsonResponse(_state(chat))


def _state(chat: Chat) -> dict:
    state = {"kind": "state", "state": chat.state, "agent_name": events.agent_name(chat.agent)}
    if chat.state == ChatState.WAITING:
        state["queue"] = services.queue_state(chat)
    return state


@csrf_exempt
@require_POST
def end(request, token):
    chat = _chat(token)
    services.end(chat, by="customer")
    return JsonResponse({"ok": True})


def _promise(case, language: str) -> str:
    return promise_text(case.due_at, language, case.shop.tz) if case.due_at else ""


def _left(case, language: str) -> JsonResponse:
    with translation.override(language):
        promise = _promise(case, language)
        text = (
            _("Thank you! We answer you by email %(promise)s.") % {"promise": promise}
            if promise
            else _("Thank you! We answer you by email.")
        )
    return JsonResponse({"case": case.number, "promise": promise, "text": text}, status=201)


@csrf_exempt
@require_POST
def leave(request, token):
    chat = _chat(token)
    with translation.override(chat.language):
        try:
            case = services.leave_message(
                chat.shop,
                _line(request),
                email=_email(request.POST.get("email", "") or chat.email),
                name=request.POST.get("name", "").strip()[:200],
                chat=chat,
                language=chat.language,
            )
        except services.ChatError as error:
            return _error(str(error))
    return _left(case, chat.language)


@csrf_exempt
@require_POST
def leave_new(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    with translation.override(language):
        if _limited(request):
            return _too_many_messages()
        token = request.POST.get("t", "")
        prefill = _prefill(shop, token)
        try:
            case = services.leave_message(
                shop,
                _line(request),
                email=_email(request.POST.get("email", "") or prefill.get("email", "")),
                name=(request.POST.get("name", "") or prefill.get("name", "")).strip()[:200],
                language=language,
            )
        except services.ChatError as error:
            return _error(str(error))
    return _left(case, language)


def _called(case, language: str) -> JsonResponse:
    with translation.override(language):
        text = _("Thank you! We call you back as soon as we can.")
    return JsonResponse({"case": case.number, "text": text}, status=201)


@csrf_exempt
@require_POST
def callback(request, token):
    chat = _chat(token)
    try:
        case = callbacks.request_callback(
            chat.shop,
            phone_number=request.POST.get("phone", ""),
            name=request.POST.get("name", "").strip()[:200],
            note=request.POST.get("note", "")[:2000],
            language=chat.language,
            chat=chat,
        )
    except callbacks.CallbackError as error:
        return _error(str(error))
    return _called(case, chat.language)


@csrf_exempt
@require_POST
def callback_new(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    with translation.override(language):
        if _limited(request):
            return _too_many_messages()
        try:
            case = callbacks.request_callback(
                shop,
                phone_number=request.POST.get("phone", ""),
                name=request.POST.get("name", "").strip()[:200],
                note=request.POST.get("note", "")[:2000],
                language=language,
            )
        except callbacks.CallbackError as error:
            return _error(str(error))
    return _called(case, language)


@csrf_exempt
@require_POST
def send_transcript(request, token):
    chat = _chat(token)
    with translation.override(chat.language):
        try:
            email = _email(request.POST.get("email", "") or chat.email)
            if not email:
                raise services.ChatError(_("Give your email address."))
        except services.ChatError as error:
            return _error(str(error))
        services.give_email(chat, email)
        transcript.send(chat, email)
        text = _("The conversation is on its way to %(email)s.") % {"email": email}
    return JsonResponse({"text": text})


@require_GET
def poll(request, token):
    """The fallback when event streams are blocked: the same events, as JSON."""
    chat = _chat(token)
    return JsonResponse(sse.poll(chat.stream, sse.last_seen(request)))


@require_GET
@links.private()
def file(request, token):
    """A file of the chat (the agent's or the customer's own), by the signed address its
    message carried: that chat's file only, and not after the chat's link has expired.
    Always a download (never shown inline on our domain), in a sandbox."""
    data = links.unsign("chatfile", token, max_age_days=TOKEN_DAYS) or {}
    chat_id, attachment_id = data.get("c"), data.get("a")
    if not isinstance(chat_id, int) or not isinstance(attachment_id, int):
        raise Http404
    chat = get_object_or_404(Chat, pk=chat_id)
    item = get_object_or_404(
        Attachment,
        pk=attachment_id,
        message__case_id=chat.case_id,
        message__direction__in=[Direction.INBOUND, Direction.OUTBOUND],
    )
    try:
        handle = files.open_file(item)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, item.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def _hello(chat_id: int):
    def state():
        chat = Chat.objects.select_related("agent", "shop").filter(pk=chat_id).first()
        if chat is None:
            return []
        state = _state(chat)
        return [sse.Note(chat.stream, "state", {k: v for k, v in state.items() if k != "kind"})]

    async def hello():
        return await sse.read(state)

    return hello


async def stream(request, token):
    """Server-Sent Events of one chat (async: uvicorn holds thousands of these)."""
    chat_id = _chat_id(token)
    if chat_id is None:
        raise Http404
    await sse.release_request_connections()
    stream = await sse.read(_stream_of, chat_id)
    if stream is None:
        raise Http404
    response = sse.response(stream, sse.last_seen(request), hello=_hello(chat_id))
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _stream_of(chat_id: int) -> str | None:
    chat = Chat.objects.filter(pk=chat_id).only("pk").first()
    return chat.stream if chat else None
