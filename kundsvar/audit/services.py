"""Every write of the audit app: an audit run, a site probe's row, a mailbox probe's steps."""

from datetime import datetime

from django.utils import timezone

from . import checks, mailprobe, site
from .facts import Facts
from .models import AuditRun, MailProbe, SiteProbe
from .result import score


def run_audit(shop, now: datetime | None = None) -> AuditRun:
    """Run every checkpoint (rule M1) and keep the run, so the history shows the trend."""
    now = now or timezone.now()
    results = checks.run_all(Facts(shop, now))
    return AuditRun.objects.create(
        shop=shop, ran_at=now, score=score(results), results=[r.as_dict() for r in results]
    )


def run_site_probe(
    url: str, now: datetime | None = None, campaign: str = "", name: str = ""
) -> SiteProbe:
    """Read a contact page as a customer would (rule M2) and keep what was found."""
    now = now or timezone.now()
    found = site.probe(url, now)
    return SiteProbe.objects.create(
        url=url,
        name=name,
        campaign=campaign,
        ran_at=now,
        language=found.language,
        pages=found.pages,
        score=score(found.results),
        results=[r.as_dict() for r in found.results],
    )


def start_mail_probe(
    *,
    to: str,
    smtp: str,
    imap: str,
    user: str,
    from_address: str = "",
    shop_name: str = "",
    subject: str = mailprobe.DEFAULT_SUBJECT,
    question: str = mailprobe.DEFAULT_QUESTION,
    follow_up: str = mailprobe.DEFAULT_FOLLOW_UP,
    wait_seconds: int = 48 * 3600,
    time_zone: str = "Europe/Stockholm",
    campaign: str = "",
    now: datetime | None = None,
) -> MailProbe:
    """A mailbox probe, not yet sent (rule M2): `step_mail_probe` moves it on."""
    return MailProbe.objects.create(
        to_address=to, smtp=smtp, imap=imap, user=user, from_address=from_address or user,
        shop_name=shop_name, subject=subject, question=question, follow_up=follow_up,
        wait_seconds=wait_seconds, time_zone=time_zone, campaign=campaign,
        created_at=now or timezone.now(),
    )  # fmt: skip


def step_mail_probe(probe: MailProbe, password: str, now: datetime | None = None) -> MailProbe:
    """One step: send the question, or poll the mailbox (and send the follow-up). The row is
    saved after each network action, so a restart never sends a question twice."""
    return mailprobe.step(probe, password, now or timezone.now())
