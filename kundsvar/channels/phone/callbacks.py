"""The callback queue (rules C1, S5): a customer asks to be called back — on the contact
page, in the widget or chat, in the phone menu, or by a call nobody answered — and gets a
promised time from the same promise engine as every case ("vi ringer dig senast 14.30").
A callback is a case on the channel "phone", so it sits in the one queue by its promise.
Agents log each attempt with one click (`calls.log_call`); attempts are limited and the
customer is told about each one (SMS when the shop texts, else email when known)."""

from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.db import transaction
from django.utils import timezone

from kundsvar.cases.models import Case
from kundsvar.cases.services import Inbound
from kundsvar.channels.outbox import OutboundKind, send_to_customer
from kundsvar.core.language import promise_language
from kundsvar.core.phones import international
from kundsvar.customers.services import add_phone, find_or_create_by_phone
from kundsvar.intake import services as intake

from . import outbox
from .channel import settings_for
from .models import Callback, Source

MIN_DIGITS = 6
_SUBJECT = {
    "sv": "Ring upp mig",
    "nb": "Ring meg opp",
    "da": "Ring mig op",
    "en": "Please call me back",
}
_MISSED = {
    "sv": "Missat samtal från +{n}",
    "nb": "Ubesvart anrop fra +{n}",
    "da": "Ubesvaret opkald fra +{n}",
    "en": "Missed call from +{n}",
}


class CallbackError(ValueError):
    """The request cannot be taken (no usable number); the message is safe to show."""


def request_callback(
    shop,
    number: str,
    *,
    name: str = "",
    note: str = "",
    source: str = Source.CONTACT_PAGE,
    language: str = "",
    customer=None,
    now: datetime | None = None,
) -> Callback:
    """A customer asks to be called on `number`. Returns the callback; its case has the
    promise (`callback.case.due_at`) and, when the shop texts, the SMS confirmation is
    queued. A second request from a number whose callback still waits joins that case
    (the promise already given stands). For the chat, the widget, the contact page and
    the phone menu alike. `customer`: who asked, when the channel knows them already
    (a chat's customer); the number is added to them."""
    now = now or timezone.now()
    digits = international(number, shop.country)
    if len(digits) < MIN_DIGITS:
        raise CallbackError("The phone number is too short.")
    language = promise_language(language or shop.language)
    if source == Source.MISSED_CALL and not note:
        text = _MISSED[language].format(n=digits)
    else:
        text = note.strip() or _SUBJECT[language]
    inbound = Inbound(
        from_address=f"+{digits}",
        from_name=name[:200],
        subject=_SUBJECT[language],
        body_text=text,
        received_at=now,
        language=language if not note.strip() else "",
        language_hint=language,
    )
    prepared = intake.prepare(inbound, now=now)
    with transaction.atomic():
        if customer is None:
            customer = find_or_create_by_phone(shop, number, name=name)
        else:
            add_phone(customer, number, shop.country)
        received = intake.store(shop, "phone", prepared, customer=customer)
        phone = settings_for(shop)
        callback, _ = Callback.objects.get_or_create(
            case=received.case,
            defaults={
                "shop": shop,
                "number": digits,
                "source": source,
                "requested_at": now,
                "max_attempts": phone.callback_attempts if phone else 3,
            },
        )
    intake.follow_through(received)
    return callback


def tell(case: Case, body: str, subject: str, *, now: datetime) -> str:
    """Tell the customer something about their callback: by SMS when the shop texts,
    else by email when we know their address. Returns "sms", "email" or ""."""
    phone = settings_for(case.shop)
    from .channel import number_of

    number = number_of(case)
    if phone is not None and phone.sends_sms and number:
        outbox.queue(phone, number, body, kind=OutboundKind.REPLY, case=case, now=now)
        return "sms"
    address = case.customer.primary_email
    if not address:
        return ""
    built = EmailMessage()
    built["From"] = formataddr((case.shop.name, case.shop.email))
    built["To"] = address
    built["Subject"] = f"{case.shop.name}: {subject} [#{case.number}]"
    built["Message-ID"] = make_msgid(domain=case.shop.email.split("@")[-1])
    built.set_content(body)
    send_to_customer(built, kind=OutboundKind.REPLY, now=now, case=case)
    return "email"
