"""The providers' webhooks. Every request is checked first — the token in the address
names the shop; 46elks must also bring the Basic auth password (it signs nothing),
Twilio a valid `X-Twilio-Signature` — and refused with 403 before anything is stored.
Then the body is stored as it came (`channels.hooks`, one row per provider event id, so
a redelivery is not a second message) and processed after commit (`processors.py`).
Voice webhooks answer at once with what the call does next (JSON actions for 46elks,
TwiML for Twilio); that answer depends only on the shop's settings and hours."""

import base64
import binascii
import hmac
import logging

from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kundsvar.channels.hooks import services as hooks

from . import speech as spoken
from . import voice
from .models import PhoneSettings, Provider
from .providers import twilio

log = logging.getLogger(__name__)
PROCESSORS = "kundsvar.channels.phone.processors"


def _settings(token: str, provider: str) -> PhoneSettings | None:
    phone = (
        PhoneSettings.objects.select_related("shop")
        .filter(hook_token=token, provider=provider)
        .first()
    )
    return phone if phone is not None and phone.connected else None


def _basic_password(request) -> str:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value).decode().partition(":")[2]
    except (binascii.Error, UnicodeDecodeError):
        return ""


def verified(request, token: str, provider: str) -> PhoneSettings | None:
    """The shop's settings when the request is really from its provider, else None."""
    phone = _settings(token, provider)
    if phone is None:
        return None
    if provider == Provider.ELKS:
        ok = hmac.compare_digest(_basic_password(request).encode(), phone.hook_password.encode())
    else:
        params = {k: request.POST.getlist(k) for k in request.POST}
        given = request.headers.get("X-Twilio-Signature", "")
        ok = twilio.valid(phone.secret, twilio.request_url(request), params, given)
    return phone if ok else None


def _refused(request, provider: str) -> HttpResponse:
    log.warning("%s webhook refused: bad token, password or signature", provider)
    return HttpResponseForbidden("forbidden")


def _store(request, phone: PhoneSettings, kind: str, external_id: str, processor: str) -> None:
    hooks.store(
        provider=phone.provider,
        kind=kind,
        shop=phone.shop,
        external_id=external_id,
        body=request.body,
        content_type=request.content_type or "",
        headers=hooks.kept_headers(request),
        processor=f"{PROCESSORS}.{processor}",
    )


def _event_id(request, *names: str) -> str:
    return next((request.POST[n] for n in names if request.POST.get(n)), "")


def hook(provider: str, kind: str, processor: str, *id_fields: str, suffix: str = ""):
    """A view that checks, stores and answers `answer(request, phone)`."""

    def decorate(answer):
        @csrf_exempt
        @require_POST
        def view(request, token):
            request.body  # read the raw body first: it is what is stored  # noqa: B018
            phone = verified(request, token, provider)
            if phone is None:
                return _refused(request, provider)
            event = _event_id(request, *id_fields)
            if suffix and event:
                extra = request.POST.get(suffix, "") if suffix != "-" else ""
                event = f"{event}:{kind}" + (f":{extra}" if extra else "")
            _store(request, phone, kind, event, processor)
            return answer(request, phone)

        view.__name__ = answer.__name__
        return view

    return decorate


def _empty(request, phone) -> HttpResponse:
    return HttpResponse(status=204)  # 46elks would send a body back as an SMS reply


def _twiml(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/xml")


def _json(action: dict) -> HttpResponse:
    return JsonResponse(action, json_dumps_params={"ensure_ascii": False})


# -- 46elks -------------------------------------------------------------------------------

elks_sms = hook(Provider.ELKS, "sms", "elks_sms", "id")(_empty)


@hook(Provider.ELKS, "call_start", "call_started", "callid", suffix="-")
def elks_voice(request, phone):
    return _json(voice.elks_start(request, phone, timezone.now()))


@hook(Provider.ELKS, "call_connect", "call_connected", "callid", suffix="-")
def elks_next(request, phone):
    result = request.POST.get("result", "")
    return _json(voice.elks_after_connect(request, phone, result, timezone.now()))


@hook(Provider.ELKS, "call_ivr", "callback_digit", "callid", suffix="-")
def elks_ivr(request, phone):
    digit = request.POST.get("result", "")
    return _json(voice.elks_after_digit(request, phone, digit, timezone.now()))


@require_GET
def speech(request, token):
    """A spoken text's WAV (`speech.url`): the signed address is the key."""
    audio = spoken.open_audio(token)
    if audio is None:
        raise Http404
    response = FileResponse(audio, content_type="audio/wav")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response


@hook(Provider.ELKS, "call_end", "call_ended", "callid", "id", suffix="-")
def elks_hangup(request, phone):
    return HttpResponse(status=204)


@hook(Provider.ELKS, "report", "report", "id", suffix="status")
def elks_report(request, phone):
    return HttpResponse(status=204)


# -- Twilio -------------------------------------------------------------------------------


@hook(Provider.TWILIO, "sms", "twilio_sms", "MessageSid", "SmsSid")
def twilio_sms(request, phone):
    return _twiml(twilio.twiml())  # no automatic reply


@hook(Provider.TWILIO, "call_start", "call_started", "CallSid", suffix="-")
def twilio_voice(request, phone):
    return _twiml(voice.twilio_start(request, phone, timezone.now()))


@hook(Provider.TWILIO, "call_connect", "call_connected", "CallSid", suffix="-")
def twilio_dial(request, phone):
    if request.POST.get("DialCallStatus", "") in ("completed", "answered"):
        return _twiml(twilio.twiml())
    return _twiml(voice.twilio_offer(request, phone, timezone.now(), closed=False))


@hook(Provider.TWILIO, "call_ivr", "callback_digit", "CallSid", suffix="-")
def twilio_gather(request, phone):
    return _twiml(voice.twilio_after_digit(phone, request.POST.get("Digits", ""), timezone.now()))


@hook(Provider.TWILIO, "call_end", "call_ended", "CallSid", suffix="CallStatus")
def twilio_status(request, phone):
    return HttpResponse(status=204)


@hook(Provider.TWILIO, "report", "report", "MessageSid", "SmsSid", suffix="MessageStatus")
def twilio_report(request, phone):
    return HttpResponse(status=204)


@csrf_exempt
def report(request, token, provider):
    """The delivery-report address we give when sending (one per provider)."""
    views = {Provider.ELKS: elks_report, Provider.TWILIO: twilio_report}
    view = views.get(provider)
    if view is None:
        return HttpResponseForbidden("forbidden")
    return view(request, token)
