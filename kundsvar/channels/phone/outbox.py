"""Outgoing SMS as rows: the SMS kind of the delivery machine (`core.delivery`: claim,
lease, backoff, attempts, the visible failure). A row is written in the transaction of
the change that caused it and sent after commit; the provider's delivery report, when
it comes (`record_report`), is kept on the row."""

import logging
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kundsvar.core import delivery
from kundsvar.core.phones import international

from . import segments
from .models import OutboundSms, PhoneSettings, Provider
from .providers import elks, twilio
from .providers.http import ProviderError

log = logging.getLogger(__name__)
# About a day at the capped backoff: a text that is a day late is not worth sending.
MACHINE = delivery.Deliveries(OutboundSms, max_attempts=30)
QUEUE = "outbound"  # sending has its own task queue (kundsvar worker), as for mail
_SENDERS = {Provider.ELKS: elks.send_sms, Provider.TWILIO: twilio.send_sms}
# What the providers report, in our words: sent (to the carrier), delivered, failed.
_REPORTS = {
    "sent": "sent",
    "delivered": "delivered",
    "failed": "failed",
    "undelivered": "failed",
    "queued": "sent",
    "sending": "sent",
    "accepted": "sent",
}


class NoSms(ValueError):
    """The shop cannot text (not connected, SMS off) or the number is no number."""


def queue(
    phone: PhoneSettings,
    to: str,
    body: str,
    *,
    kind: str,
    now: datetime | None = None,
    case=None,
    message=None,
) -> OutboundSms:
    """Store an SMS to `to` and send it once the surrounding transaction commits."""
    if not phone.sends_sms:
        raise NoSms("SMS is not switched on for this shop.")
    number = international(to, phone.shop.country)
    if len(number) < 6:
        raise NoSms(f"{to!r} is not a phone number.")
    now = now or timezone.now()
    row = OutboundSms.objects.create(
        shop_id=phone.shop_id,
        case=case,
        case_message=message,
        kind=kind,
        provider=phone.provider,
        to_number=number,
        body=body,
        segments=segments.count(body).segments,
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(row_id: int) -> None:
    from .tasks import send_sms

    send_sms.enqueue(row_id)


def report_url(phone: PhoneSettings) -> str:
    from django.conf import settings

    path = reverse("phone:report", args=[phone.hook_token, phone.provider])
    if phone.provider == Provider.ELKS:
        scheme, _, rest = settings.SITE_URL.partition("://")
        return f"{scheme}://kundsvar:{phone.hook_password}@{rest}{path}"
    return f"{settings.SITE_URL}{path}"


def _send(row: OutboundSms) -> dict:
    phone = PhoneSettings.objects.select_related("shop").get(shop_id=row.shop_id)
    if not phone.connected or phone.provider not in _SENDERS:
        raise ProviderError("The shop's phone provider is not connected.", permanent=True)
    provider_id = _SENDERS[phone.provider](
        phone.account,
        phone.secret,
        sender=phone.number,
        to=f"+{row.to_number}",
        body=row.body,
        report_url=report_url(phone),
    )
    return {"provider_id": provider_id[:64], "provider": phone.provider}


def send(row_id: int, now: datetime | None = None) -> str:
    """One attempt: "sent", "retry", "failed" or "skipped" (not due, or taken)."""
    now = now or timezone.now()
    if not MACHINE.claim(row_id, now):
        return "skipped"
    row = OutboundSms.objects.get(pk=row_id)
    done = MACHINE.attempt(row, _send, now)
    if done.error is not None:
        log.warning("SMS %s failed (attempt %s): %s", row.pk, row.attempts + 1, done.error)
    return done.result


def send_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for row in MACHINE.claim_due(now):
        sent += MACHINE.attempt(row, _send, now).result == delivery.SENT
    return sent


def retry_now(rows, now: datetime | None = None) -> list[int]:
    ids = MACHINE.retry_now(rows, now or timezone.now())
    for row_id in ids:
        transaction.on_commit(lambda row_id=row_id: _enqueue(row_id))
    return ids


def record_report(provider: str, provider_id: str, status: str, now: datetime) -> bool:
    """A delivery report: kept on the row it is about. False when no row has that id."""
    ours = _REPORTS.get(status.lower(), status.lower()[:16])
    rows = OutboundSms.objects.filter(provider=provider, provider_id=provider_id).exclude(
        provider_id=""
    )
    if not rows.exists():
        return False
    if ours == "sent":  # a late "sent" never hides a "delivered" or "failed" come first
        rows = rows.exclude(report_status__in=["delivered", "failed"])
    rows.update(report_status=ours, reported_at=now)
    return True
