"""GDPR for one customer: export everything we hold about them as a ZIP (JSON and the
files), and erase (anonymise) them on request.

Erasing keeps the anonymous statistics (that a case existed, on which channel, when it
was answered, its events' kinds and times, the rating's score) and removes everything
personal: the customer's name, addresses, phone numbers and handles; every message's
text, HTML, subject, sender and recipients; attachments (rows and files); the raw mail
(rows and files) and mail we sent them; the case events' details; order contact data;
rating comments; and the cases' search-index rows are rebuilt from what is left.
`tests/test_gdpr.py` proves it by searching every table, the index and the files."""

import io
import json
import zipfile
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundsvar.cases.models import Attachment, Case, CaseEvent, Message, Participant
from kundsvar.channels.email import rawstore
from kundsvar.channels.email.models import OutboundEmail, RawMessage
from kundsvar.commerce.models import Order, OrderMessage
from kundsvar.customers.models import Customer
from kundsvar.customers.services import forget_customer_events
from kundsvar.feedback.models import Rating
from kundsvar.search.services import index_cases, purge_deleted_terms

from .models import CustomerAccess

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
                        with attachment.file.open("rb") as handle:
                            archive.writestr(name, handle.read())
                    except (FileNotFoundError, ValueError):
                        name = ""
                    files.append({**_row(attachment, ("file",)), "path_in_zip": name})
                messages.append({**_row(message, ("body_html",)), "attachments": files})
            cases.append(
                {
                    **_row(case),
                    "messages": messages,
                    "events": [_row(e) for e in case.events.order_by("created_at", "pk")],
                    "ratings": [_row(r) for r in Rating.objects.filter(case=case)],
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
            "access_log": [
                {"at": a.at, "agent": str(a.agent) if a.agent else None, "what": a.what}
                for a in customer.accesses.order_by("at")
            ],
        }
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        )
    return buffer.getvalue()


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
    removed = _Removed()
    with transaction.atomic():
        counts = _scrub_cases(case_ids, removed)
        counts.update(_scrub_customer(customer, addresses))
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
        self.files: list = []
        self.shas: set[str] = set()

    def delete_files(self) -> None:
        for stored in self.files:
            stored.storage.delete(stored.name)
        delete_raw(self.shas)


def delete_raw(shas: set[str]) -> None:
    """The raw files no message refers to any more, and their arrival notes."""
    for sha in shas:
        if not Message.objects.filter(raw_sha256=sha).exists():
            rawstore.path_for(sha).unlink(missing_ok=True)
    rawstore.forget_arrivals(shas)


def _scrub_cases(case_ids: list[int], removed: _Removed) -> dict[str, int]:
    messages = Message.objects.filter(case_id__in=case_ids)
    removed.shas.update(s for s in messages.values_list("raw_sha256", flat=True) if s)
    attachments = Attachment.objects.filter(message__case_id__in=case_ids)
    removed.files.extend(a.file for a in attachments if a.file)
    counts = {"attachments": attachments.delete()[0]}
    counts["raw_messages"] = RawMessage.objects.filter(sha256__in=removed.shas).delete()[0]
    counts["messages"] = messages.update(
        from_address="",
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
    return counts


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
