"""The owner's pages: the service audit of a shop (M1), its history, and the probes'
results (M2). Each page prints well (the browser's print makes the PDF)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import admin_shops, shop_admin_required

from . import queries, services
from .models import AuditRun, MailProbe, SiteProbe
from .result import counts


@login_required
def index(request):
    shops = list(admin_shops(request.user))
    if not shops:
        raise PermissionDenied
    latest = queries.latest_scores(shops)
    rows = [{"shop": shop, "run": latest.get(shop.pk)} for shop in shops]
    mails, sites = queries.probes() if request.user.is_staff else ([], [])
    return render(request, "audit/index.html", {"rows": rows, "mails": mails, "sites": sites})


@shop_admin_required
def shop_audit(request, shop):
    run = queries.latest(shop)
    return _run_page(request, shop, run)


@shop_admin_required
def run_detail(request, shop, pk):
    return _run_page(request, shop, get_object_or_404(AuditRun, shop=shop, pk=pk))


def _run_page(request, shop, run):
    return render(
        request,
        "audit/shop.html",
        {
            "shop": shop,
            "run": run,
            "counts": counts(run.results) if run else None,
            "history": queries.history(shop),
        },
    )


@require_POST
@shop_admin_required
def run_now(request, shop):
    run = services.run_audit(shop)
    return redirect("audit:run", slug=shop.slug, pk=run.pk)


def _staff(request):
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def mail_probe(request, pk):
    """Probes are not a shop's: they mystery-shop anyone, so only staff see them."""
    _staff(request)
    probe = get_object_or_404(MailProbe, pk=pk)
    return render(
        request, "audit/probe.html", {"probe": probe, "kind": "mail", "results": probe.results}
    )


@login_required
def site_probe(request, pk):
    _staff(request)
    probe = get_object_or_404(SiteProbe, pk=pk)
    return render(
        request, "audit/probe.html", {"probe": probe, "kind": "site", "results": probe.results}
    )
