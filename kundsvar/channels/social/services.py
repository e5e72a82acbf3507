"""Every write of the social channels that is not a webhook's: connecting a platform,
the shop's WhatsApp templates, an answer by template, and linking a platform's customer
to the same person known by email or phone."""

import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.cases import services as cases
from kundsvar.cases.models import Direction, Status
from kundsvar.core.phones import international
from kundsvar.customers.models import Customer, CustomerEmail, CustomerPhone
from kundsvar.customers.services import merge_customers

from . import choice, graph
from .models import Connection, WhatsAppTemplate

SECRETS = ("access_token", "app_secret")
# What "send test" asks for: the account itself, which needs a working token.
CHECK_FIELDS = {
    "messenger": "id,name",
    "instagram": "id,username",
    "whatsapp": "id,display_phone_number,verified_name",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s-]{6,16}\d")


@transaction.atomic
def save_connection(shop, platform: str, data: dict) -> Connection:
    """Create or change the shop's connection to `platform`. An empty secret field keeps
    the secret already stored (they are never shown again, so the form comes empty)."""
    connection = Connection.objects.select_for_update().filter(shop=shop, platform=platform).first()
    if connection is None:
        connection = Connection(shop=shop, platform=platform)
    for name, value in data.items():
        if name in SECRETS and not value:
            continue
        setattr(connection, name, value.strip() if isinstance(value, str) else value)
    connection.full_clean()
    connection.save()
    return connection


def delete_connection(connection: Connection) -> None:
    connection.delete()


def check_connection(connection: Connection, now: datetime | None = None) -> str:
    """Ask the platform for the account with the stored token ("send test"). Returns what
    it says the account is; raises GraphError with the platform's words when the token,
    the id or a permission is wrong. The outcome is kept on the connection."""
    now = now or timezone.now()
    try:
        answer = graph.get(
            connection.platform,
            connection.account_id,
            connection.access_token,
            fields=CHECK_FIELDS[connection.platform],
        )
    except graph.GraphError as error:
        Connection.objects.filter(pk=connection.pk).update(
            last_check_at=now, last_check_error=str(error)[:2000]
        )
        raise
    Connection.objects.filter(pk=connection.pk).update(last_check_at=now, last_check_error="")
    name = answer.get("name") or answer.get("username") or answer.get("verified_name") or ""
    number = answer.get("display_phone_number", "")
    return " ".join(str(part) for part in (name, number) if part) or str(answer.get("id", ""))


def save_template(shop, data: dict, template: WhatsAppTemplate | None = None) -> WhatsAppTemplate:
    template = template or WhatsAppTemplate(shop=shop)
    for name, value in data.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    return template


def delete_template(template: WhatsAppTemplate) -> None:
    template.delete()


def reply_with_template(
    case, agent, template: WhatsAppTemplate, *, parameters=(), then: str = Status.ANSWERED
):
    """Answer on WhatsApp with an approved template: the case gets the template's text
    with its {{1}}, {{2}} … filled in as the reply; WhatsApp gets the template by name
    and language, and the values."""
    if template.shop_id != case.shop_id or not template.active:
        raise cases.CaseError(_("Choose one of the shop's active templates."))
    if case.channel != "whatsapp":
        raise cases.CaseError(_("Templates are sent on WhatsApp only."))
    values = [str(v).strip() for v in parameters]
    if len(values) != template.parameter_count or not all(values):
        raise cases.CaseError(
            _("The template “%(name)s” needs %(count)s values, one per line.")
            % {"name": template.name, "count": template.parameter_count}
        )
    if any("\t" in v or "    " in v for v in values):  # the Cloud API refuses them
        raise cases.CaseError(_("A template value may not hold tabs or runs of spaces."))
    with choice.template(template, values):
        return cases.reply(case, agent, template.filled(values), then=then)


def suggestions(case) -> list[tuple[Customer, str]]:
    """Other customers of the shop who may be this one: the same phone number as their
    WhatsApp number, or an email address or phone number they wrote in this case. Only
    suggested: an agent confirms before anything is linked (families share numbers)."""
    if not case.customer_id:
        return []
    written = " ".join(
        case.messages.filter(direction=Direction.INBOUND).values_list("body_text", flat=True)
    )
    emails = {address.lower() for address in _EMAIL.findall(written)}
    numbers = {international(n, case.shop.country) for n in _PHONE.findall(written)}
    numbers |= {handle.value for handle in case.customer.handles.filter(kind="whatsapp")}
    numbers = {n for n in numbers if len(n) >= 8}
    found: dict[int, tuple[Customer, str]] = {}
    for row in CustomerEmail.objects.select_related("customer").filter(
        shop=case.shop_id, address__in=emails
    ):
        found.setdefault(row.customer_id, (row.customer, row.address))
    for phone in CustomerPhone.objects.select_related("customer").filter(
        customer__shop=case.shop_id, normalized__in=numbers
    ):
        found.setdefault(phone.customer_id, (phone.customer, f"+{phone.normalized}"))
    found.pop(case.customer_id, None)
    return list(found.values())


@transaction.atomic
def link_customer(case, agent, other: Customer, *, now: datetime | None = None) -> Customer:
    """The agent confirmed: the platform's customer and `other` are one person. The
    platform's customer folds into `other` (their cases, handles, phones move), so one
    history shows every channel (C5)."""
    source = case.customer
    if other.shop_id != case.shop_id or other.pk == source.pk:
        raise cases.CaseError(_("Choose another customer of the same shop."))
    merged = merge_customers(source, other)
    case.refresh_from_db()
    cases.add_note(
        case,
        agent,
        _("Linked with the customer %(name)s: one history across channels.")
        % {"name": str(merged)},
        now=now,
    )
    return merged
