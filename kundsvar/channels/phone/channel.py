"""The SMS and phone channels' adapters (`kundsvar.channels.registry`).

SMS: a text threads onto the customer's open SMS case, is acknowledged by SMS with the
case number and the promise (A1, A4) unless the shop turns that off, and an agent's
answer goes out as an SMS row. Phone: every phone case is a callback the customer asked
for (contact page, IVR, missed call); it is confirmed by SMS ("vi ringer dig senast
14.30") when the shop texts, and answered by calling. A call logged as reached is the
answer (`calls.log_call`), so it is measured like any reply (S4) and sends nothing."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, Direction, EventKind, Status
from kundsvar.cases.services import CaseError
from kundsvar.channels.outbox import OutboundKind
from kundsvar.channels.registry import NEW_CASE, Thread
from kundsvar.core.phones import international

from . import outbox, texts
from .models import CallbackState, OutboundSms, PhoneSettings

ACKS_PER_NUMBER_PER_HOUR = 3  # an SMS robot answering our acknowledgement is not a loop
_CALL_ANSWERS = ContextVar("phone_call_answers", default=False)


@contextmanager
def call_is_the_answer():
    """Inside: `reply` on a phone case records a call that reached the customer; the
    call was the answer, nothing is sent."""
    token = _CALL_ANSWERS.set(True)
    try:
        yield
    finally:
        _CALL_ANSWERS.reset(token)


def settings_for(shop) -> PhoneSettings | None:
    return PhoneSettings.objects.filter(shop_id=shop.pk).select_related("shop").first()


def number_of(case: Case) -> str:
    """The number the customer wrote or called from last (international digits)."""
    last = (
        case.messages.filter(direction=Direction.INBOUND)
        .exclude(from_address="")
        .order_by("-created_at", "-id")
        .first()
    )
    if last and "@" not in last.from_address:
        return international(last.from_address, case.shop.country)
    phone = case.customer.phones.order_by("-pk").first()
    return phone.normalized if phone else ""


def _first_inbound(case: Case, message) -> bool:
    return not case.messages.filter(direction=Direction.INBOUND, pk__lt=message.pk).exists()


def _within_limits(number: str, now) -> bool:
    recent = OutboundSms.objects.filter(
        to_number=number, kind=OutboundKind.ACK, created_at__gte=now - timedelta(hours=1)
    )
    return recent.count() < ACKS_PER_NUMBER_PER_HOUR


def _text_back(case: Case, message, kind: str, body: str) -> None:
    phone = settings_for(case.shop)
    assert phone is not None  # should_acknowledge checked it
    with transaction.atomic():
        outbox.queue(
            phone,
            number_of(case),
            body,
            kind=kind,
            case=case,
            message=message,
            now=message.created_at,
        )
        record_event(case, EventKind.ACKNOWLEDGED, at=message.created_at, message=message.pk)


class SmsChannel:
    code = "sms"

    def thread(self, shop, inbound, hint=None) -> Thread:
        """Onto the customer's (`hint`) newest open SMS case, else a new case."""
        if hint is None:
            return NEW_CASE
        case = (
            Case.objects.filter(shop=shop, customer=hint, channel=self.code, merged_into=None)
            .exclude(status=Status.CLOSED)
            .order_by("-received_at", "-pk")
            .first()
        )
        return Thread(case, how="sms_number") if case else NEW_CASE

    def should_acknowledge(self, case, message) -> bool:
        """A new question, or one after our answer (a follow-up); never more words on a
        question already acknowledged; a few per number and hour at most (A1–A5)."""
        phone = settings_for(case.shop)
        if phone is None or not phone.sends_sms or not phone.sms_acknowledge:
            return False
        if not (_first_inbound(case, message) or message.is_follow_up) or case.due_at is None:
            return False
        return _within_limits(number_of(case), message.created_at)

    def acknowledge(self, case, message) -> None:
        promise = texts.short_promise(case.due_at, case.language, case.shop.tz, message.created_at)
        body = texts.render(
            "ack", case.language, shop=case.shop.name, number=case.number, promise=promise
        )
        _text_back(case, message, OutboundKind.ACK, body)

    def send_reply(self, case, message) -> None:
        """The agent's answer as an SMS (plain text) to the number the customer used."""
        phone = settings_for(case.shop)
        if phone is None or not phone.sends_sms:
            raise CaseError(_("SMS is switched off for this shop: nothing was sent."))
        try:
            outbox.queue(
                phone,
                number_of(case),
                message.body_text,
                kind=OutboundKind.REPLY,
                case=case,
                message=message,
                now=message.created_at,
            )
        except outbox.NoSms as error:
            raise CaseError(str(error)) from None

    def order_message(self, order, kind: str, *, now):
        """Order news by SMS (O1) when the shop turned it on: shipped and delayed, with
        the order status link. None when off, another kind, or no phone number."""
        from kundsvar.commerce.emails import order_language
        from kundsvar.commerce.links import order_status_url

        phone = settings_for(order.shop)
        wanted = phone is not None and phone.sends_sms and phone.sms_order_messages
        if not wanted or kind not in texts.ORDER_TEXTS or not order.phone:
            return None
        language = order_language(order)
        body = texts.ORDER_TEXTS[kind][language].format(
            shop=order.shop.name, number=order.number, url=order_status_url(order, language)
        )
        try:
            return outbox.queue(phone, order.phone, body, kind=OutboundKind.ORDER, now=now)
        except outbox.NoSms:
            return None  # no usable number: the email went anyway


class PhoneChannel(SmsChannel):
    code = "phone"

    def thread(self, shop, inbound, hint=None) -> Thread:
        """A second request from the same number joins the callback still waiting."""
        number = international(inbound.from_address, shop.country)
        case = (
            Case.objects.filter(
                shop=shop,
                callback__number=number,
                callback__state=CallbackState.WAITING,
                merged_into=None,
            )
            .order_by("-received_at")
            .first()
        )
        return Thread(case, how="callback_number") if case else NEW_CASE

    def should_acknowledge(self, case, message) -> bool:
        phone = settings_for(case.shop)
        if phone is None or not phone.sends_sms or not phone.sms_acknowledge:
            return False
        return _first_inbound(case, message) and case.due_at is not None

    def acknowledge(self, case, message) -> None:
        _text_back(case, message, OutboundKind.ACK, confirmation(case, message.created_at))

    def send_reply(self, case, message) -> None:
        if _CALL_ANSWERS.get():
            return
        super().send_reply(case, message)


def confirmation(case: Case, now) -> str:
    """ "Nätbutiken: Vi ringer dig senast 14.30 på 070-123 45 67 (ärende #10234)." """
    promise = texts.short_promise(case.due_at, case.language, case.shop.tz, now)
    return texts.render(
        "callback",
        case.language,
        shop=case.shop.name,
        number=case.number,
        promise=promise,
        phone=f"+{number_of(case)}",
    )
