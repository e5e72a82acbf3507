from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from kundsvar.cases.models import Case, Direction, Message
from kundsvar.channels.email.emails import RATING_SALT
from kundsvar.sla.promise import promise_language

from . import services
from .models import Score

LINK_DAYS = 60


def _answer(token: str) -> tuple[Case, Message]:
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        raise Http404 from None  # tampered or expired: reveal nothing
    message = (Message.objects.select_related("case__shop")
               .filter(pk=data.get("m"), case_id=data.get("c"), direction=Direction.OUTBOUND)
               .first())
    if message is None:
        raise Http404
    return message.case, message


@require_http_methods(["GET", "POST"])
def rate(request, token, score):
    """GET shows the page, which records the click with a POST from the browser: mail
    scanners that open links do not run scripts, so they do not rate for the customer."""
    if score not in Score.values:
        raise Http404
    case, answer = _answer(token)
    saved = False
    if request.method == "POST":
        services.rate(case, answer, score, request.POST.get("comment", "")[:5000])
        saved = True
    with translation.override(promise_language(case.language)):
        return render(request, "feedback/rate.html", {
            "case": case, "shop": case.shop, "score": score, "saved": saved,
            "commented": saved and bool(request.POST.get("comment", "").strip())})
