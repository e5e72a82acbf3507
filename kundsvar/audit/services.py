"""Every write of the audit app: an audit run, a site probe's row, a mailbox probe's steps."""

from datetime import datetime

from django.utils import timezone

from . import checks
from .facts import Facts
from .models import AuditRun
from .result import score


def run_audit(shop, now: datetime | None = None) -> AuditRun:
    """Run every checkpoint (rule M1) and keep the run, so the history shows the trend."""
    now = now or timezone.now()
    results = checks.run_all(Facts(shop, now))
    return AuditRun.objects.create(
        shop=shop, ran_at=now, score=score(results), results=[r.as_dict() for r in results]
    )
