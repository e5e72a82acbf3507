"""Per-shop retention (GDPR storage limitation), applied by the worker once a day:

* raw mail older than `raw_mail_days`: the original files and their rows go (the
  messages' text, already masked, stays on the case); mail not yet processed or failed
  is never touched (A6);
* closed cases closed more than `closed_case_months` ago: anonymised (ops.gdpr);
* chat cases closed more than `chat_months` ago: their transcripts anonymised.

`due(shop)` is what the next run would remove: the settings page shows its counts."""

from datetime import datetime, timedelta

from django.utils import timezone

from kundsvar.cases.models import Case, Channel, Message, Status
from kundsvar.channels.email.models import RawMessage, RawState

from . import gdpr
from .models import RetentionPolicy

MONTH = timedelta(days=30)
DONE = [RawState.PROCESSED, RawState.DUPLICATE, RawState.IGNORED]


def due(policy: RetentionPolicy, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    found: dict = {"raw_mail": RawMessage.objects.none(), "cases": Case.objects.none()}
    if policy.raw_mail_days:
        found["raw_mail"] = RawMessage.objects.filter(
            shop_id=policy.shop_id,
            state__in=DONE,
            received_at__lt=now - timedelta(days=policy.raw_mail_days),
        )
    closed = Case.objects.filter(shop_id=policy.shop_id, status=Status.CLOSED).exclude(
        subject=gdpr.ERASED
    )
    cases = Case.objects.none()
    if policy.closed_case_months:
        cases = cases | closed.filter(closed_at__lt=now - policy.closed_case_months * MONTH)
    if policy.chat_months:
        cases = cases | closed.filter(
            channel=Channel.CHAT, closed_at__lt=now - policy.chat_months * MONTH
        )
    found["cases"] = cases.distinct()
    return found


def preview(policy: RetentionPolicy, now: datetime | None = None) -> dict[str, int]:
    return {name: rows.count() for name, rows in due(policy, now).items()}


def apply(policy: RetentionPolicy, now: datetime | None = None) -> dict[str, int]:
    found = due(policy, now)
    shas = set(found["raw_mail"].values_list("sha256", flat=True))
    Message.objects.filter(case__shop_id=policy.shop_id, raw_sha256__in=shas).update(raw_sha256="")
    raw = RawMessage.objects.filter(sha256__in=shas).delete()[0]
    gdpr.delete_raw(shas)
    case_ids = list(found["cases"].values_list("pk", flat=True))
    anonymised = gdpr.anonymise_cases(case_ids) if case_ids else {}
    return {"raw_mail": raw, "cases": len(case_ids), **anonymised}


def apply_all(now: datetime | None = None) -> dict[int, dict[str, int]]:
    return {policy.shop_id: apply(policy, now) for policy in RetentionPolicy.objects.all()}
