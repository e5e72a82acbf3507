"""What the stored webhook bodies become (`channels.hooks` calls these after commit, and
again on a retry). Each is idempotent on the provider's ids: an SMS is one message
(`inbound.receive_sms`), a call is one `Call` row, and a missed call one callback."""

from datetime import UTC, datetime
from urllib.parse import parse_qs

from django.db import transaction

from kundsvar.channels.hooks.models import InboundHook
from kundsvar.core.phones import international

from . import outbox
from .callbacks import request_callback
from .inbound import receive_sms
from .models import Call, Direction, Outcome, Source

ANSWERED = {"success", "completed", "answered"}  # 46elks connect result, Twilio DialCallStatus


def fields(hook: InboundHook) -> dict[str, str]:
    """A form-encoded body as {name: first value}."""
    parsed = parse_qs(bytes(hook.body).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


def _at(value: str, fallback: datetime) -> datetime:
    """46elks writes UTC without a zone ("2018-07-13T13:57:23.741000")."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return fallback
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- SMS ---------------------------------------------------------------------------------


def elks_sms(hook: InboundHook) -> None:
    data = fields(hook)
    receive_sms(
        hook.shop,
        number=data.get("from", ""),
        text=data.get("message", ""),
        provider="46elks",
        provider_id=data.get("id", "") or hook.external_id,
        at=_at(data.get("created", ""), hook.received_at),
    )


def twilio_sms(hook: InboundHook) -> None:
    data = fields(hook)
    text = data.get("Body", "")
    media = int(data.get("NumMedia", "0") or 0)
    if media:  # MMS pictures are links on Twilio's side; the agent sees that they exist
        links = [data.get(f"MediaUrl{i}", "") for i in range(media)]
        text = "\n".join([text, *[f"[{link}]" for link in links if link]]).strip()
    receive_sms(
        hook.shop,
        number=data.get("From", ""),
        text=text,
        provider="twilio",
        provider_id=data.get("MessageSid", "") or hook.external_id,
        at=hook.received_at,
    )


def report(hook: InboundHook) -> None:
    """A delivery report: 46elks whendelivered (id, status), Twilio StatusCallback
    (MessageSid, MessageStatus). Kept on the SMS row it is about."""
    data = fields(hook)
    if hook.provider == "46elks":
        sms_id, status = data.get("id", ""), data.get("status", "")
    else:
        sms_id, status = data.get("MessageSid", ""), data.get("MessageStatus", "")
    if not outbox.record_report(hook.provider, sms_id, status, hook.received_at):
        raise LookupError(f"no SMS with id {sms_id!r} (yet)")  # retried: the row may lag


# -- calls -------------------------------------------------------------------------------


def _call_id(hook: InboundHook, data: dict[str, str]) -> str:
    return data.get("callid") or data.get("CallSid") or data.get("id") or ""


def _caller(data: dict[str, str]) -> str:
    return data.get("from") or data.get("From") or ""


def _call(hook: InboundHook, data: dict[str, str]) -> Call:
    call, _ = Call.objects.get_or_create(
        provider=hook.provider,
        provider_call_id=_call_id(hook, data)[:64],
        defaults={
            "shop": hook.shop,
            "direction": Direction.INBOUND,
            "number": international(_caller(data), hook.shop.country),
            "started_at": _at(data.get("created", ""), hook.received_at),
        },
    )
    return call


def call_started(hook: InboundHook) -> None:
    _call(hook, fields(hook))


def call_connected(hook: InboundHook) -> None:
    data = fields(hook)
    result = data.get("result") or data.get("DialCallStatus") or ""
    if result in ANSWERED:
        Call.objects.filter(pk=_call(hook, data).pk).update(answered=True)


def callback_digit(hook: InboundHook) -> None:
    data = fields(hook)
    digit = data.get("result") or data.get("Digits") or ""
    call = _call(hook, data)
    if digit.strip() != "1" or call.callback_requested:
        return
    with transaction.atomic():
        callback = request_callback(
            hook.shop, f"+{call.number}", source=Source.IVR, now=hook.received_at
        )
        Call.objects.filter(pk=call.pk).update(callback_requested=True, case=callback.case)


def _answered_in_hooks(hook: InboundHook, call_id: str) -> bool:
    """Whether a stored connect result says someone answered, whether or not it has been
    processed yet: a hangup processed first must not call an answered call missed."""
    for other in InboundHook.objects.filter(
        provider=hook.provider, kind="call_connect", external_id__startswith=f"{call_id}:"
    ):
        data = fields(other)
        if (data.get("result") or data.get("DialCallStatus")) in ANSWERED:
            return True
    return False


def call_ended(hook: InboundHook) -> None:
    """The call is over. Nobody answered and no callback was asked for: a missed call
    becomes a callback case (rule S5), once."""
    data = fields(hook)
    if data.get("CallStatus") in ("queued", "ringing", "in-progress"):
        return  # Twilio's progress events: not the end yet
    call = _call(hook, data)
    duration = data.get("duration") or data.get("CallDuration") or ""
    answered = call.answered or _answered_in_hooks(hook, call.provider_call_id)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.ended_at is not None:
            return
        call.ended_at = hook.received_at
        call.duration_seconds = int(duration) if duration.isdigit() else None
        call.answered = answered
        call.outcome = Outcome.REACHED if answered else Outcome.MISSED
        if not answered and not call.callback_requested and len(call.number) >= 6:
            call.case = request_callback(
                hook.shop, f"+{call.number}", source=Source.MISSED_CALL, now=hook.received_at
            ).case
            call.callback_requested = True
        call.save()
