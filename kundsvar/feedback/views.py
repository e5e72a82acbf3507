from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kundsvar.accounts.security import admin_shops, shop_admin_required
from kundsvar.cases.models import Case, Channel, Direction, Message
from kundsvar.core import ratelimit
from kundsvar.core.language import promise_language
from kundsvar.core.links import private

from . import queries, services
from .links import RATING_SALT
from .models import Score

LINK_DAYS = 60
MAX_REPORT_DAYS = 3 * 366


def _answer(token: str) -> tuple[Case, Message]:
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        raise Http404 from None  # tampered or expired: reveal nothing
    message = (
        Message.objects.select_related("case__shop")
        .filter(pk=data.get("m"), case_id=data.get("c"), direction=Direction.OUTBOUND)
        .first()
    )
    if message is None:
        raise Http404
    return message.case, message


@private("same-origin")  # the page posts to itself (CSRF needs the Origin); token-keyed
@require_http_methods(["GET", "POST"])
def rate(request, token, score):
    """GET only shows the question with `score` pre-selected: mail scanners (Safe Links)
    open every link in a real browser, so opening it must record nothing. The customer's
    Send (a POST with the CSRF token) records it; another score than the one already given
    is asked about first and changes only with the confirmation (`change`)."""
    if score not in Score.values:
        raise Http404
    case, answer = _answer(token)
    asked = None
    if request.method == "POST":
        chosen = request.POST.get("score") or score
        if chosen not in Score.values:
            return HttpResponseBadRequest()
        comment = request.POST.get("comment", "")[:5000]
        if not ratelimit.allow(request, "rating"):
            shown = {"score": chosen, "comment": comment}
            return _rate_page(request, case, answer, token, shown, limited=True)
        try:
            services.rate(case, answer, chosen, comment, change=request.POST.get("change") == "1")
        except services.RatingChangeUnconfirmed:
            asked = {"score": chosen, "comment": comment}
        else:  # redirect: a reload must not send the comment twice
            return redirect(reverse("feedback:rate", args=[token, chosen]) + "?sent=1")
    return _rate_page(request, case, answer, token, asked or {"score": score, "comment": ""})


def _rate_page(request, case, answer, token: str, shown: dict, limited: bool = False):
    current = queries.current_rating(answer.pk)
    with translation.override(promise_language(case.language)):
        return render(
            request,
            "feedback/rate.html",
            {
                "case": case,
                "shop": case.shop,
                "token": token,
                "current": current,
                "score": shown["score"],
                "comment": shown["comment"],
                "rate_limited": ratelimit.MESSAGE if limited else "",
                "sent": request.GET.get("sent") == "1" and current is not None,
            },
            status=429 if limited else 200,
        )


class RangeForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Per"), required=False, choices=[("week", _("week")), ("month", _("month"))]
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def range(self, today: date) -> tuple[str, date, date]:
        """(period, start, end); the last 12 weeks or months unless chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        period = data.get("period") or "week"
        end = min(data.get("end") or today, today)
        start = data.get("start")
        if start is None:
            start = (
                end - timedelta(weeks=11)
                if period == "week"
                else (end.replace(day=1) - timedelta(days=320)).replace(day=1)
            )
        start = max(min(start, end), end - timedelta(days=MAX_REPORT_DAYS))
        return period, queries.period_start(start, period), end


@login_required
@require_GET
def reports(request):
    """The report of the shop the agent runs (or a list when several)."""
    shops = list(admin_shops(request.user)[:50])
    if len(shops) == 1:
        return redirect("feedback:report", shops[0].slug)
    if not shops:
        raise Http404
    return render(request, "feedback/reports.html", {"shops": shops})


@shop_admin_required
@require_GET
def report(request, shop):
    """Satisfaction for the shop owner (rule F2): CSAT per week or month, per agent and
    per channel, counts next to every percentage, and the customers' comments."""
    form = RangeForm(request.GET or None)
    period, start, end = form.range(timezone.localdate(timezone=shop.tz))
    qs = queries.ratings(shop, start, end)
    channels = dict(Channel.choices)
    return render(
        request,
        "feedback/report.html",
        {
            "shop": shop,
            "section": "feedback",
            "form": form,
            "period": period,
            "start": start,
            "end": end,
            "total": queries.total(qs),
            "periods": queries.by_period(qs, period, start, end, shop.tz),
            "agents": queries.by_agent(qs),
            "channels": [
                (channels.get(row.key, row.key), row.csat) for row in queries.by_channel(qs)
            ],
            "comments": queries.comments(queries.given(shop, start, end)),
        },
    )
