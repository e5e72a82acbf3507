"""Reads of the audit app: runs per shop, probes, campaigns."""

from .models import AuditRun, MailProbe, SiteProbe


def history(shop, limit: int = 20) -> list[AuditRun]:
    return list(AuditRun.objects.filter(shop=shop).defer("results")[:limit])


def latest(shop) -> AuditRun | None:
    return AuditRun.objects.filter(shop=shop).first()


def latest_scores(shops) -> dict[int, AuditRun]:
    found: dict[int, AuditRun] = {}
    for run in AuditRun.objects.filter(shop__in=shops).defer("results"):
        found.setdefault(run.shop_id, run)
    return found


def probes(limit: int = 50) -> tuple[list[MailProbe], list[SiteProbe]]:
    mails = list(MailProbe.objects.defer("ack_raw", "answer_raw", "results")[:limit])
    sites = list(SiteProbe.objects.defer("results", "pages")[:limit])
    return mails, sites
