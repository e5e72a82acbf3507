"""The customer portal (one case, opened by its signed link) and the help widget's page."""

from urllib.parse import urlsplit

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kundsvar.cases.models import OWED_STATUSES, Case, Direction, Message, Status
from kundsvar.commerce.models import CommerceSettings, Order
from kundsvar.core import ratelimit
from kundsvar.core.embed import allow_framing
from kundsvar.core.language import (
    CUSTOMER_LANGUAGES,
    customer_language,
    promise_language,
    shop_languages,
)
from kundsvar.core.links import private
from kundsvar.core.phones import tel_href
from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.feedback import services as feedback
from kundsvar.feedback.queries import current_rating
from kundsvar.shopper import queries as shopper_queries
from kundsvar.shopper import services as shopper_services
from kundsvar.shopper import views as shopper_views
from kundsvar.shops.hours import hours_summary
from kundsvar.shops.models import Shop
from kundsvar.sla.promise import promise_text
from kundsvar.topics.queries import shop_topics

from . import services
from .forms import FollowUpForm, RatingForm
from .links import case_for_token, portal_url


def _language(request, case: Case) -> str:
    asked = request.GET.get("lang", "")
    return promise_language(asked if asked in CUSTOMER_LANGUAGES else case.language)


def _status_text(case: Case) -> str:
    """The status in the customer's words (translated at render time)."""
    if case.status in OWED_STATUSES:
        if case.is_follow_up:
            return _("Your follow-up is first in our queue.")
        return _("We have your question and are working on it.")
    if case.status == Status.WAITING:
        return _("We are waiting for your reply.")
    if case.status == Status.ANSWERED:
        return _("We have answered your question.")
    return _("This case is closed. Write below if you need more help.")


def _conversation(case: Case) -> list[dict]:
    """What the customer and the shop said to each other — never the internal notes."""
    messages = (
        Message.objects.filter(case=case, direction__in=[Direction.INBOUND, Direction.OUTBOUND])
        .only("direction", "body_text", "new_text", "created_at", "is_follow_up")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": m.pk,
            "from_customer": m.direction == Direction.INBOUND,
            "text": mask_personal_numbers(
                m.display_text if m.direction == Direction.INBOUND else m.body_text
            )[0],
            "at": m.created_at,
        }
        for m in messages
    ]


def _latest_answer(conversation: list[dict]) -> int | None:
    answers = [m["id"] for m in conversation if not m["from_customer"]]
    return answers[-1] if answers else None


def _handle_post(request, case: Case, answer_id: int | None):
    """((what was sent, the case to show), "rate_limited" or None, follow-up form,
    rating form)."""
    action = request.POST.get("action")
    follow_up, rating = FollowUpForm(), RatingForm()
    if action == "follow_up":
        follow_up = FollowUpForm(request.POST)
        if follow_up.is_valid() and not ratelimit.allow(request, "follow_up"):
            follow_up.add_error("text", ratelimit.MESSAGE)  # shown with their text kept
            return "rate_limited", follow_up, rating
        if follow_up.is_valid():
            message = services.add_follow_up(case, follow_up.cleaned_data["text"])
            if message.case_id != case.pk:
                case = message.case  # a new question on an old, closed case
            return ("follow_up", case), follow_up, rating
    elif action == "rate":
        rating = RatingForm(request.POST)
        if rating.is_valid() and not ratelimit.allow(request, "rating"):
            rating.add_error(None, ratelimit.MESSAGE)
            return "rate_limited", follow_up, rating
        if rating.is_valid():
            if answer_id is None or rating.cleaned_data["answer"] != answer_id:
                raise Http404  # an answer that is no longer the latest, or someone else's
            answer = Message.objects.get(pk=answer_id)
            try:
                feedback.rate(
                    case,
                    answer,
                    rating.cleaned_data["score"],
                    rating.cleaned_data["comment"],
                    change=rating.cleaned_data["change"],
                )
            except feedback.RatingChangeUnconfirmed:
                return None, follow_up, rating  # the page asks before changing it
            return ("rating", case), follow_up, rating
    return None, follow_up, rating


@private("same-origin")  # the page posts follow-ups and ratings to itself
@require_http_methods(["GET", "POST"])
def case_page(request, token):
    case = case_for_token(token)
    if case is None:
        raise Http404  # tampered, expired or gone: reveal nothing
    language = _language(request, case)
    conversation = _conversation(case)
    answer_id = _latest_answer(conversation)
    follow_up_form, rating_form = FollowUpForm(), RatingForm()
    status = 200
    if request.method == "POST":
        done, follow_up_form, rating_form = _handle_post(request, case, answer_id)
        if done == "rate_limited":
            status = 429
        elif done:
            sent, shown = done
            query = {
                "sent": sent,
                **(
                    {"lang": request.GET["lang"]}
                    if request.GET.get("lang") in CUSTOMER_LANGUAGES
                    else {}
                ),
            }
            path = request.path if shown.pk == case.pk else urlsplit(portal_url(shown)).path
            return HttpResponseRedirect(f"{path}?{urlencode(query)}")
    rating = current_rating(answer_id)
    # Another answer than the one given: ask first, keeping what they wrote.
    change_to = (
        rating_form.cleaned_data["score"]
        if rating
        and rating_form.is_bound
        and rating_form.is_valid()
        and rating_form.cleaned_data["score"] != rating.score
        else ""
    )
    with translation.override(language):
        return render(
            request,
            "portal/case.html",
            {
                "case": case,
                "shop": case.shop,
                "languages": shop_languages(case.shop),
                "embed": False,
                "conversation": conversation,
                "answer_id": answer_id,
                "rating": rating,
                "change_to": change_to,
                "status_text": _status_text(case),
                "promise": (
                    promise_text(case.due_at, language, case.shop.tz)
                    if case.due_at and case.status in OWED_STATUSES
                    else ""
                ),
                "sent": request.GET.get("sent", ""),
                "follow_up_form": follow_up_form,
                "rating_form": rating_form,
                "time_zone": case.shop.time_zone,
                "now": timezone.now(),
            },
            status=status,
        )


def has_commerce(shop: Shop) -> bool:
    return (
        Order.objects.filter(shop=shop).exists()
        or CommerceSettings.objects.filter(shop=shop).exists()
    )


@xframe_options_exempt
@require_GET
def widget(request, shop):
    """The page inside the help widget's frame: FAQ search, order lookup, contact."""
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    # A shopper the shop's site signed for (rule C2): their orders first, the form and
    # the chat filled in. Anyone else gets the same page as always.
    shopper = shopper_views.shopper_for(request, shop)
    token = shopper_services.token_for(shop, shopper) if shopper else ""
    carried = urlencode({"embed": "1", "lang": language, **({"t": token} if token else {})})
    contact = f"{reverse('form:contact', args=[shop.slug])}?{carried}"
    with translation.override(language):
        cards = (
            shopper_queries.order_cards(
                shopper_queries.recent_orders(shop, shopper.email), language
            )
            if shopper
            else []
        )
        if cards:
            shopper_services.record_order_view(shop, shopper.email)  # type: ignore[union-attr]  # cards imply a shopper
        response = render(
            request,
            "portal/widget.html",
            {
                "shop": shop,
                "languages": shop_languages(shop),
                "embed": True,
                "lang": language,
                "commerce": has_commerce(shop),
                "phone_href": tel_href(shop.phone, shop.country),
                "opening_hours": hours_summary(shop.opening_hours.all(), language),
                "shopper": shopper,
                "cards": cards,
                "token": token,
                "carried": carried,
                # Topics first (C2): each opens the form with its own fields.
                "topics": [
                    (t, t.name(language), f"{contact}&{urlencode({'topic': t.slug})}#form")
                    for t in shop_topics(shop)
                ],
            },
        )
    response["Cache-Control"] = "private, no-store"
    return allow_framing(response, shop)
