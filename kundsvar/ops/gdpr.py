"""GDPR for one customer: export everything we hold about them as a ZIP (JSON and the
files), and erase (anonymise) them on request.

Erasing keeps the anonymous statistics (that a case existed, on which channel, when it
was answered, its events' kinds and times, the rating's score) and removes everything
personal: the customer's name, addresses, phone numbers and handles; every message's
text, HTML, subject, sender and recipients; attachments (rows and files); the raw mail
(rows and files) and mail we sent them; the case events' details; order contact data;
rating comments; the agents' unsent drafts on the cases and the excerpts in their
notifications; the other channels' traces (SMS sent and their numbers, social messages'
sender ids and replies, the chat's name, email and stored live events, callbacks and call
logs with their numbers and notes, the contact form's last typed question); the stored
webhook bodies (providers' `channels.hooks` and the shop platforms' order webhooks) that
name the customer, emptied but kept as rows so a redelivery is still recognised; and the
cases' search-index rows are rebuilt from what is left. `tests/test_gdpr.py` proves it
by seeding a customer through every channel and searching every table, the index and
the files."""

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases import files as files_store
from kundsvar.cases.models import Attachment, Case, CaseEvent, Message, Participant
from kundsvar.channels.chat.models import Chat
from kundsvar.channels.email import rawstore
from kundsvar.channels.email.models import OutboundEmail, RawMessage
from kundsvar.channels.form.models import FormSession
from kundsvar.channels.hooks.models import InboundHook
from kundsvar.channels.phone.models import Call, Callback, OutboundSms
from kundsvar.channels.social.models import PlatformMessage, SocialDelivery
from kundsvar.commerce.models import Order, OrderMessage, WebhookReceipt
from kundsvar.customers.models import Customer, CustomerEvent
from kundsvar.customers.services import forget_customer_events
from kundsvar.feedback.models import Rating
from kundsvar.live.models import LiveEvent
from kundsvar.notifications.services import forget_texts as forget_notification_texts
from kundsvar.search.services import index_cases, purge_deleted_terms

from .models import CustomerAccess

# What the apps above keep about cases in rows of their own (the workspace's composer
# drafts, which quote and name the customer): no app imports the workspace, so it hands
# its eraser over when it starts (`WorkspaceConfig.ready`), as channels hand over their
# adapters. Each takes the case ids and returns how many rows it deleted.
_CASE_ERASERS: dict[str, Callable[[list[int]], int]] = {}


def register_case_eraser(name: str, erase: Callable[[list[int]], int]) -> None:
    """`erase(case_ids)` runs in every erasure; its count is reported as `name`."""
    _CASE_ERASERS[name] = erase


ERASED = "[raderat]"
ERASED_NAME = "[raderad kund]"


def log_access(customer: Customer, agent, what: str, now: datetime | None = None) -> None:
    CustomerAccess.objects.create(
        shop_id=customer.shop_id,
        customer=customer,
        agent=agent,
        what=what,
        at=now or timezone.now(),
    )


CASE_VIEW_RESOLUTION = timedelta(hours=1)


def log_case_view(case: Case, agent) -> None:
    """An agent opened a case: its customer's data was on the screen. Once an hour per
    agent and customer is enough to answer "who looked at my data" (and keeps the case
    page from writing on every click)."""
    now = timezone.now()
    recent = CustomerAccess.objects.filter(
        customer_id=case.customer_id,
        agent=agent,
        what=CustomerAccess.What.CASE,
        at__gte=now - CASE_VIEW_RESOLUTION,
    )
    if not recent.exists():
        CustomerAccess.objects.create(
            shop_id=case.shop_id,
            customer_id=case.customer_id,
            agent=agent,
            what=CustomerAccess.What.CASE,
            at=now,
        )


def _row(obj, exclude: tuple[str, ...] = ()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in exclude
    }


def _cases(customer: Customer):
    return Case.objects.filter(customer=customer).order_by("pk")


def export(customer: Customer) -> bytes:
    """Everything about the customer, as the bytes of a ZIP: data.json and attachments/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        cases = []
        for case in _cases(customer):
            messages = []
            for message in case.messages.order_by("created_at", "pk"):
                files = []
                for attachment in message.attachments.all():
                    name = f"attachments/{message.pk}/{attachment.pk}-{attachment.filename}"
                    try:
                        with files_store.open_file(attachment) as handle:
                            archive.writestr(name, handle.read())
                    except FileNotFoundError:
                        name = ""
                    files.append({**_row(attachment, ("file",)), "path_in_zip": name})
                messages.append({**_row(message, ("body_html",)), "attachments": files})
            cases.append(
                {
                    **_row(case),
                    "messages": messages,
                    "events": [_row(e) for e in case.events.order_by("created_at", "pk")],
                    "ratings": [_row(r) for r in Rating.objects.filter(case=case)],
                    **_channel_data(case),
                }
            )
        orders = []
        for order in _orders(customer):
            orders.append(
                {
                    **_row(order),
                    "lines": [_row(line) for line in order.lines.all()],
                    "shipments": [_row(s) for s in order.shipments.all()],
                }
            )
        data = {
            "exported_at": timezone.now(),
            "customer": _row(customer),
            "emails": [_row(e) for e in customer.emails.all()],
            "phones": [_row(p) for p in customer.phones.all()],
            "handles": [_row(h) for h in customer.handles.all()],
            "cases": cases,
            "orders": orders,
            "calls": [_row(c) for c in _calls(customer)],
            "sms_sent": [_row(m) for m in _sms(customer)],
            "customer_events": [_row(e) for e in _customer_events(customer)],
            "access_log": [
                {"at": a.at, "agent": str(a.agent) if a.agent else None, "what": a.what}
                for a in customer.accesses.order_by("at")
            ],
        }
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        )
    return buffer.getvalue()


def _channel_data(case: Case) -> dict:
    """A case's traces in the channels beyond its messages."""
    chat = Chat.objects.filter(case=case).first()
    return {
        "chat": {
            **_row(chat),
            "events": [
                {"kind": e.kind, "data": e.data, "at": e.created_at}
                for e in LiveEvent.objects.filter(stream=chat.stream).order_by("seq")
            ],
        }
        if chat
        else None,
        "callback": [_row(c) for c in Callback.objects.filter(case=case)],
        "sms": [_row(m) for m in OutboundSms.objects.filter(case=case).order_by("pk")],
        "social_messages": [
            _row(m) for m in PlatformMessage.objects.filter(message__case=case).order_by("pk")
        ],
        "social_replies": [
            _row(d) for d in SocialDelivery.objects.filter(case=case).order_by("pk")
        ],
    }


def _customer_events(customer: Customer):
    """The customer's audit trail (edits, merges), and the records of customers merged
    with them that name them: what `forget_customer_events` erases."""
    return CustomerEvent.objects.filter(
        Q(customer_id=customer.pk) | Q(data__customer=customer.pk)
    ).order_by("created_at", "pk")


def _numbers(customer: Customer) -> list[str]:
    """The customer's numbers as the phone channel stores them (international digits)."""
    return [n.lstrip("+") for n in customer.phones.values_list("normalized", flat=True) if n]


def _calls(customer: Customer):
    cases = _cases(customer).values("pk")
    return Call.objects.filter(
        Q(case__in=cases) | Q(shop_id=customer.shop_id, number__in=_numbers(customer))
    ).order_by("started_at", "pk")


def _sms(customer: Customer):
    return OutboundSms.objects.filter(
        shop_id=customer.shop_id, to_number__in=_numbers(customer)
    ).order_by("pk")


def _orders(customer: Customer):
    emails = list(customer.emails.values_list("address", flat=True))
    match = Q(customer=customer)
    if emails:
        match |= Q(shop_id=customer.shop_id, email__in=emails)
    return Order.objects.filter(match).order_by("pk")


def erase(customer: Customer, agent=None) -> dict[str, int]:
    """Anonymise the customer; returns what was removed, by kind."""
    now = timezone.now()
    addresses = [a.lower() for a in customer.emails.values_list("address", flat=True)]
    case_ids = list(_cases(customer).values_list("pk", flat=True))
    needles = _needles(customer, addresses)
    removed = _Removed()
    with transaction.atomic():
        counts = _scrub_cases(case_ids, removed)
        counts.update(_scrub_channels(customer))
        counts.update(_scrub_customer(customer, addresses))
        counts.update(_scrub_webhook_bodies(customer.shop_id, needles))
        log_access(customer, agent, CustomerAccess.What.ERASE, now)
    removed.delete_files()
    index_cases(case_ids)
    purge_deleted_terms()
    counts["files"] = len(removed.files) + len(removed.shas)
    return counts


def anonymise_cases(case_ids: list[int]) -> dict[str, int]:
    """Anonymise these cases (retention): their texts, attachments, raw mail and events'
    details go; the cases and the customers stay."""
    removed = _Removed()
    with transaction.atomic():
        counts = _scrub_cases(case_ids, removed)
    removed.delete_files()
    index_cases(case_ids)
    purge_deleted_terms()
    return counts


class _Removed:
    """Files to delete once the rows are gone for good (after the commit: a rollback must
    not leave rows pointing at deleted files)."""

    def __init__(self):
        self.files: set[str] = set()
        self.shas: set[str] = set()

    def delete_files(self) -> None:
        files_store.delete_unused(self.files)
        delete_raw(self.shas)


def delete_raw(shas: set[str]) -> None:
    """The raw files no message refers to any more."""
    for sha in shas:
        if not Message.objects.filter(raw_sha256=sha).exists():
            rawstore.path_for(sha).unlink(missing_ok=True)


def _scrub_cases(case_ids: list[int], removed: _Removed) -> dict[str, int]:
    messages = Message.objects.filter(case_id__in=case_ids)
    removed.shas.update(s for s in messages.values_list("raw_sha256", flat=True) if s)
    attachments = Attachment.objects.filter(message__case_id__in=case_ids)
    removed.files.update(name for name in attachments.values_list("file", flat=True) if name)
    counts = {"attachments": attachments.delete()[0]}
    counts["raw_messages"] = RawMessage.objects.filter(sha256__in=removed.shas).delete()[0]
    counts["messages"] = messages.update(
        from_address="",
        from_key="",
        from_domain="",
        from_name="",
        to_addresses=[],
        subject=ERASED,
        body_text=ERASED,
        body_html="",
        new_text=ERASED,
        message_id="",
        in_reply_to="",
        references="",
        raw_sha256="",
        parse_warnings=[],
    )
    Participant.objects.filter(case_id__in=case_ids).delete()
    # The audit log keeps what happened and when; its details (addresses, texts) go.
    CaseEvent.objects.filter(case_id__in=case_ids).update(data={})
    Case.objects.filter(pk__in=case_ids).update(subject=ERASED)
    counts["sent_mail"] = OutboundEmail.objects.filter(case_id__in=case_ids).delete()[0]
    Rating.objects.filter(case_id__in=case_ids).update(comment="")
    # What the agents' screens keep about the cases: unsent drafts and the excerpts in
    # their notifications.
    for name, forget in _CASE_ERASERS.items():
        counts[name] = forget(case_ids)
    counts["notifications"] = forget_notification_texts(case_ids)
    counts.update(_scrub_case_channels(case_ids))
    return counts


def _scrub_case_channels(case_ids: list[int]) -> dict[str, int]:
    """The cases' traces in the channels beyond their messages."""
    counts = {
        "sms": OutboundSms.objects.filter(case_id__in=case_ids).delete()[0],
        "social_replies": SocialDelivery.objects.filter(case_id__in=case_ids).delete()[0],
    }
    # The platform's message id stays: a redelivery of the same message is still known.
    PlatformMessage.objects.filter(message__case_id__in=case_ids).update(
        sender="", missing_media=[]
    )
    chats = Chat.objects.filter(case_id__in=case_ids)
    chat_ids = list(chats.values_list("pk", flat=True))
    # The chat's own stream and its lines on the shop's agents' stream. Emptied, not
    # deleted: the streams stay numbered without gaps for the browsers replaying them.
    counts["chat_events"] = LiveEvent.objects.filter(
        Q(stream__in=[f"chat.{pk}" for pk in chat_ids])
        | Q(stream__startswith="shop.", data__chat__in=chat_ids)
    ).update(data={})
    chats.update(name="", email="")
    Callback.objects.filter(case_id__in=case_ids).update(number="")
    Call.objects.filter(case_id__in=case_ids).update(number="", note="")
    FormSession.objects.filter(case_id__in=case_ids).update(last_query="")
    return counts


def _scrub_channels(customer: Customer) -> dict[str, int]:
    """What the channels hold by the customer's numbers, outside their cases."""
    numbers = _numbers(customer)
    Call.objects.filter(shop_id=customer.shop_id, number__in=numbers).update(number="", note="")
    Callback.objects.filter(shop_id=customer.shop_id, number__in=numbers).update(number="")
    return {"sms_to_number": _sms(customer).delete()[0]}


def _needles(customer: Customer, addresses: list[str]) -> list[str]:
    """What marks a stored webhook body as the customer's: email addresses, phone numbers
    (without the country code, as people also write them) and platform ids."""
    digits = [n[-9:] for n in _numbers(customer) if len(n) >= 9]
    handles = [h for h in customer.handles.values_list("value", flat=True) if len(h) >= 6]
    return [*addresses, *digits, *handles]


def _mentions(body: bytes, needles: list[str]) -> bool:
    text = bytes(body).decode("utf-8", "replace").lower()
    return any(n in text or n in unquote_plus(text) for n in needles)


def _scrub_webhook_bodies(shop_id: int, needles: list[str]) -> dict[str, int]:
    """Empty the stored webhook bodies that name the customer. The rows stay (their ids
    keep a redelivery from becoming a second message), without body, headers or error."""
    if not needles:
        return {"webhook_bodies": 0}
    hooks = [
        pk
        for pk, body in InboundHook.objects.filter(Q(shop_id=shop_id) | Q(shop__isnull=True))
        .values_list("pk", "body")
        .iterator()
        if _mentions(body, needles)
    ]
    InboundHook.objects.filter(pk__in=hooks).update(body=b"", headers={}, last_error="")
    receipts = [
        pk
        for pk, body in WebhookReceipt.objects.filter(shop_id=shop_id)
        .values_list("pk", "body")
        .iterator()
        if _mentions(body, needles)
    ]
    WebhookReceipt.objects.filter(pk__in=receipts).update(body=b"", error="")
    return {"webhook_bodies": len(hooks) + len(receipts)}


def _scrub_customer(customer: Customer, addresses: list[str]) -> dict[str, int]:
    counts = {
        "sent_mail_to_address": OutboundEmail.objects.filter(to_address__in=addresses).delete()[0]
    }
    orders = _orders(customer)
    OrderMessage.objects.filter(Q(order__in=orders) | Q(to_address__in=addresses)).update(
        to_address="", subject=ERASED
    )
    counts["orders"] = orders.update(email="", name="", phone="", postcode="")
    customer.emails.all().delete()
    customer.phones.all().delete()
    customer.handles.all().delete()
    customer.name = ERASED_NAME
    customer.save(update_fields=["name"])  # its search keys (name_key) follow the name
    counts["customer_events"] = forget_customer_events(customer)
    return counts
