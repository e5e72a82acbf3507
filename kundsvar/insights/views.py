"""The owner's reports (S4, F2, K3): Översikt and one page per report, each table also
as CSV. Who sees what: a shop's agents see the team's figures (the overview and the
reports); the page per agent is for the shop's admins. Not a member: 404."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kundsvar.cases.queries import is_shop_admin
from kundsvar.shops.models import Shop

from . import pages, services
from .models import WeeklyMail
from .reports import PERIODS, Period, Report

ADMIN_ONLY = {"agents"}


def _member_shops(agent):
    if agent.is_superuser:
        return Shop.objects.all()
    return Shop.objects.filter(memberships__agent=agent)


def _report(request, slug) -> Report:
    shop = get_object_or_404(_member_shops(request.user), slug=slug)
    today = timezone.localdate(timezone=shop.tz)
    return Report(shop, Period.parse(request.GET, today))


def _context(request, report: Report, section: str) -> dict:
    return {
        "shop": report.shop,
        "period": report.period,
        "periods": PERIODS,
        "section": section,
        "is_admin": is_shop_admin(request.user, report.shop.pk),
        "query": request.GET.urlencode(),
    }


def _csv(page: pages.Page, name: str, filename: str) -> HttpResponse:
    table = page.table(name)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([str(cell) for cell in row])
    return response


@login_required
@require_GET
def index(request):
    """The owner's landing page: the overview of their shop (a list when several)."""
    shops = list(_member_shops(request.user).order_by("name")[:50])
    if len(shops) == 1:
        return redirect("insights:dashboard", shops[0].slug)
    if not shops:
        return redirect("home")
    return render(request, "insights/index.html", {"shops": shops})


@login_required
@require_GET
def dashboard(request, slug):
    report = _report(request, slug)
    page, cards = pages.dashboard(report)
    if request.GET.get("format") == "csv":
        return _csv(page, request.GET.get("table", ""), report.shop.slug)
    context = _context(request, report, "dashboard")
    context.update(page=page, cards=cards)
    if context["is_admin"]:
        mail = WeeklyMail.objects.filter(agent=request.user, shop=report.shop)
        context["weekly_mail"] = mail.exists()
    return render(request, "insights/dashboard.html", context)


@login_required
@require_POST
def weekly_mail(request, slug):
    """A shop admin turns the weekly report mail on or off (for themselves)."""
    shop = get_object_or_404(_member_shops(request.user), slug=slug)
    if not is_shop_admin(request.user, shop.pk):
        raise PermissionDenied
    on = request.POST.get("on") == "1"
    services.set_weekly_mail(request.user, shop, on)
    if on:
        messages.success(request, _("You will get the weekly report by email every Monday."))
    else:
        messages.success(request, _("The weekly report mail is turned off."))
    return redirect("insights:dashboard", shop.slug)


@login_required
@require_GET
def questions(request, slug):
    """Rule K1: what customers ask, grouped, with the FAQ article that answers it."""
    from . import topics  # numpy: only when the page is asked for (optional extra)

    report = _report(request, slug)
    days = min(max(report.period.days, 7), 90)
    now = timezone.now()
    read, found = topics.questions(report.shop, now=now, days=days)
    context = _context(request, report, "questions")
    context.update(read=read, found=found, days=days)
    return render(request, "insights/questions.html", context)


@login_required
@require_GET
def report(request, slug, name):
    if name not in pages.PAGES:
        raise Http404
    report = _report(request, slug)
    if name in ADMIN_ONLY and not is_shop_admin(request.user, report.shop.pk):
        raise PermissionDenied
    page = pages.PAGES[name](report)
    if request.GET.get("format") == "csv":
        return _csv(page, request.GET.get("table", ""), report.shop.slug)
    context = _context(request, report, name)
    context["page"] = page
    return render(request, "insights/report.html", context)
