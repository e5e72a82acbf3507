"""The public contact page and form (rules C1, C2, C3, C6, A4), the suggestions beside
the form, and the deflection report for shop admins (K3)."""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from babel.dates import format_date
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kundsvar.accounts.security import admin_shops
from kundsvar.cases.models import Case, EventKind
from kundsvar.channels.phone import contact as phone_contact
from kundsvar.channels.phone.callbacks import CallbackError, request_callback
from kundsvar.channels.phone.forms import CallbackRequestForm
from kundsvar.channels.phone.models import Source
from kundsvar.channels.phone.texts import short_promise
from kundsvar.commerce import delivery
from kundsvar.commerce.models import Order
from kundsvar.core import links, ratelimit
from kundsvar.core.embed import allow_framing
from kundsvar.core.language import babel_locale, customer_language, shop_languages
from kundsvar.core.phones import tel_href
from kundsvar.core.privacy import contains_personal_number
from kundsvar.shopper import queries as shopper_queries
from kundsvar.shopper import services as shopper_services
from kundsvar.shops.hours import hours_summary
from kundsvar.shops.models import Shop
from kundsvar.sla.policies import topic_minutes
from kundsvar.sla.promise import promise_text
from kundsvar.topics import queries as topics
from kundsvar.topics import wording as topic_wording
from kundsvar.topics.queries import case_note, with_note

from . import contact, knowledge, queries, services, spam
from .forms import ContactForm
from .models import ArticleAction

log = logging.getLogger(__name__)
PREFILL_DAYS = 120
THANKS_DAYS = 30
MIN_SUGGEST_CHARS = 8
REPORT_WEEKS = 12


def _page(request, slug: str):
    shop = get_object_or_404(Shop, slug=slug)
    return shop, customer_language(request, shop), request.GET.get("embed") == "1"


def _query(language: str, embed: bool, token: str = "") -> str:
    """The query string every link and form on these pages carries along."""
    params = {
        "lang": language,
        **({"embed": "1"} if embed else {}),
        **({"t": token} if token else {}),
    }
    return urlencode(params)


def _prefill(shop, token: str) -> tuple[dict, Order | None]:
    """Name, email and order from a signed link (rule C2); another shop's link is ignored."""
    data = links.unsign("contact", token, max_age_days=PREFILL_DAYS) if token else None
    if not data or data.get("shop") != shop.pk:
        return {}, None
    order = Order.objects.filter(pk=data["order"], shop=shop).first() if data.get("order") else None
    initial = {key: data[key] for key in ("name", "email") if isinstance(data.get(key), str)}
    if order is not None:
        initial["order_number"] = order.number
        initial.setdefault("email", order.email)
        initial.setdefault("name", order.name)
    return {k: v for k, v in initial.items() if v}, order


def _christmas(shop, now, language: str) -> list[dict]:
    """Last order dates for Christmas, per shipping method, in season (rule O5)."""
    try:
        rows = delivery.christmas_deadlines(shop, timezone.localdate(now, timezone=shop.tz))
    except Exception:  # noqa: BLE001 — the contact page must show the phone number anyway
        log.exception("christmas deadlines failed for shop %s", shop.pk)
        return []
    locale = babel_locale(language)
    return [
        {
            "method": method.name,
            "date": format_date(day, "EEEE d MMMM", locale=locale),
            "passed": passed,
        }
        for method, day, passed in rows
    ]


_PROMISES = {
    ("form", "email"): lambda: _(
        "Write now, by email or with the form below, and you get an answer %(promise)s."
    ),
    ("form",): lambda: _("Write now with the form below and you get an answer %(promise)s."),
    ("email",): lambda: _("Email us now and you get an answer %(promise)s."),
}


def _contact_context(request, shop, language: str, embed: bool, token: str) -> dict:
    now = timezone.now()
    promises, under_load = contact.response_times(shop, now, language)
    return {
        "shop": shop,
        "languages": shop_languages(shop),
        "embed": embed,
        "language": language,
        "language_links": [(code, _query(code, embed, token)) for code in shop_languages(shop)],
        "token": token,
        "query": _query(language, embed, token),
        "phone_href": tel_href(shop.phone, shop.country),
        "open_state": contact.open_state(shop, now, language),
        "hours": hours_summary(shop.opening_hours.all(), language),
        "promises": [_PROMISES[p.channels]() % {"promise": p.text} for p in promises],
        "under_load": under_load,
        "christmas": _christmas(shop, now, language),
        "honeypot": spam.HONEYPOT,
        # The phone today and the "ring mig" form (C1, S5): channels.phone says what.
        **phone_contact.phone_context(shop, now, language),
    }


def _with_suggestions(form: ContactForm, shop, query: str) -> ContactForm:
    """The message field asks for FAQ suggestions as the customer types (rule C6); only
    the text and the session go along, never the attachment."""
    form.fields["message"].widget.attrs.update(
        {
            "hx-post": f"{reverse('form:suggest', args=[shop.slug])}?{query}",
            "hx-trigger": "keyup changed delay:400ms, paste delay:400ms",
            "hx-target": "#suggestions",
            "hx-sync": "this:replace",
            "hx-params": "message,session,csrfmiddlewaretoken",
        }
    )
    return form


_SPAM_MESSAGES = {
    "honeypot": lambda: _(
        "Your message looked automated, so it was not sent. If you are "
        "a person, please press Send again."
    ),
    "no_token": lambda: _(
        "The page had expired, so your message was not sent yet. "
        "Everything you wrote is still here: please press Send again."
    ),
    "too_fast": lambda: _(
        "That was very quick, so we could not tell you from a robot. "
        "Please check your message and press Send again."
    ),
    "rate_limited": lambda: _(
        "Many messages have been sent from your connection in a short "
        "time. Please wait a few minutes and press Send again, or "
        "email or call us."
    ),
}


# The form's three POSTs are anonymous and change no one's account; inside the help
# widget's iframe on the shop's own site the browser withholds our SameSite CSRF cookie,
# so Django's check would refuse every customer there. What guards them instead: the
# signed session and time-to-submit token in the form, the honeypot and the rate limit.
@csrf_exempt
def contact_page(request, shop):
    shop, language, embed = _page(request, shop)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    token = request.GET.get("t", "")
    with translation.override(language):
        initial, order = _prefill(shop, token)
        status, notice, session_id = 200, "", None
        offered = topics.shop_topics(shop)
        wanted = request.POST.get("topic") if request.method == "POST" else request.GET.get("topic")
        chosen = next((t for t in offered if t.slug == wanted), None)
        choice = {"topics": offered, "chosen": chosen, "language": language}
        if request.method == "GET":
            form = ContactForm(initial=initial, **choice)
        else:
            form = ContactForm(request.POST, request.FILES, **choice)
            session_id = spam.session_id(shop, request.POST.get("session", ""))
            if not form.is_valid():
                status = 400
            elif reason := spam.check(shop, request.POST, spam.client_ip(request)):
                # Shown again with everything typed (the honeypot, not a form field, comes
                # back empty): a person presses Send once more, a script gives up.
                log.info("contact form for %s rejected: %s", shop.slug, reason)
                status = 429 if reason == "rate_limited" else 400
                notice = _SPAM_MESSAGES[reason]() + (
                    " " + _("Please attach your file again.") if request.FILES else ""
                )
            else:
                return _send(request, shop, language, embed, form, order, session_id)
        if session_id is None:
            session_id = services.start_session(shop, language).pk
        context = _contact_context(request, shop, language, embed, token)
        context.update(
            form=_with_suggestions(form, shop, context["query"]),
            notice=notice,
            session=spam.issue(shop, session_id),
            **_topic_context(shop, offered, chosen, language, context["query"]),
        )
        response = render(request, "form/contact.html", context, status=status)
    # Shown in the help widget's iframe on the shop's own site.
    return allow_framing(response, shop) if embed else response


def _topic_context(shop, offered, chosen, language: str, query: str) -> dict:
    """Topics first (C2): each links to the form with its own fields; the chosen one says
    its recommended channel, its response time and its FAQ articles (C6)."""
    if not offered:
        return {}
    now = timezone.now()
    context: dict = {
        "topics": [
            (t, t.name(language), f"?{query}&{urlencode({'topic': t.slug})}#form") for t in offered
        ],
        "chosen": chosen,
    }
    if chosen is not None:
        context.update(
            chosen_name=chosen.name(language),
            channel_hint=chosen.channel_hint(language),
            recommended=chosen.recommended_channel,
            topic_note=topic_wording.target_note(
                chosen, topic_minutes(shop, chosen.pk, "form"), language
            ),
            topic_promise=contact.topic_promise(shop, chosen, now, language),
            topic_articles=(
                knowledge.suggest(shop, chosen.faq_query, language, limit=3)
                if chosen.faq_query
                else []
            ),
            generic_url=f"?{query}#form",
        )
    return context


def _send(request, shop, language, embed, form, order, session_id):
    data = form.cleaned_data
    case, masked = services.submit(
        shop,
        services.Submission(
            name=data["name"],
            email=data["email"],
            message=data["message"],
            language=language,
            order_number=data["order_number"],
            topic=data["topic"],
            attachment=data.get("attachment"),
            order=order,
            verified=shopper_services.verified_from_token(
                shop, request.GET.get("t", ""), data["email"]
            ),
            tracking_number=data.get("tracking_number", ""),
            items=data.get("items", ""),
        ),
        session_id=session_id,
    )
    thanks = links.sign("form-thanks", {"c": case.pk, "pn": masked})
    # POST/redirect/GET: a refresh shows the thanks page again, it never sends twice.
    return redirect(f"{reverse('form:thanks', args=[shop.slug, thanks])}?{_query(language, embed)}")


# Anonymous like the question form (see contact_page): the same session token, honeypot
# and rate limit guard it.
@csrf_exempt
@require_POST
def callback(request, shop):
    """The contact page's "ring mig": a callback case with its promised time (S5)."""
    shop, language, embed = _page(request, shop)
    with translation.override(language):
        form = CallbackRequestForm(request.POST)
        reason = spam.check(shop, request.POST, spam.client_ip(request)) if form.is_valid() else ""
        if form.is_valid() and not reason:
            data = form.cleaned_data
            try:
                callback = request_callback(
                    shop,
                    data["cb_number"],
                    name=data["cb_name"],
                    note=data["cb_note"],
                    source=Source.WIDGET if embed else Source.CONTACT_PAGE,
                    language=language,
                )
            except CallbackError:
                form.add_error("cb_number", _("Please give a phone number we can call."))
            else:
                token = links.sign("callback-thanks", {"c": callback.case_id})
                url = reverse("form:callback_thanks", args=[shop.slug, token])
                return redirect(f"{url}?{_query(language, embed)}")
        session_id = spam.session_id(shop, request.POST.get("session", ""))
        if session_id is None:
            session_id = services.start_session(shop, language).pk
        context = _contact_context(request, shop, language, embed, "")
        context.update(
            form=_with_suggestions(ContactForm(), shop, context["query"]),
            callback_form=form,
            notice=_SPAM_MESSAGES[reason]() if reason else "",
            session=spam.issue(shop, session_id),
        )
        status = 429 if reason == "rate_limited" else 400
        response = render(request, "form/contact.html", context, status=status)
    return allow_framing(response, shop) if embed else response


@links.private()
@require_GET
def callback_thanks(request, shop, token):
    shop, language, embed = _page(request, shop)
    data = links.unsign("callback-thanks", token, max_age_days=THANKS_DAYS)
    case = Case.objects.filter(pk=data.get("c"), shop=shop).first() if data else None
    if case is None or not hasattr(case, "callback"):
        raise Http404
    with translation.override(language):
        response = render(
            request,
            "form/callback_thanks.html",
            {
                "shop": shop,
                "languages": shop_languages(shop),
                "embed": embed,
                "query": _query(language, embed),
                "case": case,
                "number": f"+{case.callback.number}",
                "promise": (
                    short_promise(case.due_at, language, shop.tz, timezone.now())
                    if case.due_at
                    else ""
                ),
                "texted": case.events.filter(kind=EventKind.ACKNOWLEDGED).exists(),
            },
        )
    return allow_framing(response, shop) if embed else response


@links.private()  # the address carries the case's token
@require_GET
def thanks(request, shop, token):
    shop, language, embed = _page(request, shop)
    data = links.unsign("form-thanks", token, max_age_days=THANKS_DAYS)
    case = (
        Case.objects.filter(pk=data.get("c"), shop=shop).select_related("customer").first()
        if data
        else None
    )
    if case is None:
        raise Http404
    message = case.messages.order_by("created_at", "id").first()
    with translation.override(language):
        response = render(
            request,
            "form/thanks.html",
            {
                "shop": shop,
                "languages": shop_languages(shop),
                "embed": embed,
                "query": _query(language, embed),
                "case": case,
                "email": message.from_address if message else "",
                "promise": (
                    with_note(
                        promise_text(case.due_at, language, shop.tz), case_note(case, language)
                    )
                    if case.due_at
                    else ""
                ),
                "masked": bool(data.get("pn")),
                # The audit log, not the email outbox: the channel that answered knows how.
                "acknowledged": case.events.filter(kind=EventKind.ACKNOWLEDGED).exists(),
                "phone_href": tel_href(shop.phone, shop.country),
            },
        )
    return allow_framing(response, shop) if embed else response


@csrf_exempt
@require_POST
def suggest(request, shop):
    """The htmx partial beside the message field (rule C6): never blocks sending."""
    shop, language, embed = _page(request, shop)
    if not ratelimit.allow(request, "suggest"):
        # Only the suggestions pause; the question itself can still be sent.
        return HttpResponse(status=429)
    text = request.POST.get("message", "")[:2000]
    session_id = spam.session_id(shop, request.POST.get("session", ""))
    items = []
    if len(text.strip()) >= MIN_SUGGEST_CHARS:
        articles = knowledge.suggest(shop, text, language, limit=5)
        services.record_suggestions(shop, session_id, text, articles)
        read = reverse("form:read", args=[shop.slug])
        session = request.POST.get("session", "")
        items = [
            {
                "article": a,
                "excerpt": knowledge.excerpt(a),
                "url": f"{read}?{urlencode({'a': a.pk, 's': session, 'lang': language})}",
            }
            for a in articles
        ]
    with translation.override(language):
        return render(
            request,
            "form/_suggestions.html",
            {
                "shop": shop,
                "items": items,
                "query": _query(language, embed),
                "session": request.POST.get("session", ""),
                "personal_number": contains_personal_number(text),
            },
        )


@require_GET
def read(request, shop):
    """A suggested article was opened: counted as found (K3), then the article itself."""
    shop, language, _embed = _page(request, shop)
    article_id = request.GET.get("a", "")
    article = knowledge.article(shop, int(article_id)) if article_id.isdigit() else None
    url = knowledge.article_url(shop, article) if article else ""
    if not url:
        raise Http404
    services.record_found(
        shop, spam.session_id(shop, request.GET.get("s", "")), article, ArticleAction.OPENED
    )
    return redirect(f"{url}?{urlencode({'lang': language})}")


@csrf_exempt
@require_POST
def answered(request, shop):
    """ "Yes, that answered my question": found (K3) and a helpful vote for the article."""
    shop, language, embed = _page(request, shop)
    article_id = request.POST.get("article", "")
    article = knowledge.article(shop, int(article_id)) if article_id.isdigit() else None
    if article is None:
        raise Http404
    if not ratelimit.allow(request, "suggest"):
        with translation.override(language):
            return HttpResponse(str(ratelimit.MESSAGE), status=429, content_type="text/plain")
    services.record_found(
        shop,
        spam.session_id(shop, request.POST.get("session", "")),
        article,
        ArticleAction.ANSWERED,
    )
    if not request.htmx:
        return redirect(f"{reverse('form:contact', args=[shop.slug])}?{_query(language, embed)}")
    with translation.override(language):
        return render(request, "form/_answered.html", {"shop": shop, "article": article})


@login_required
def deflection(request):
    """Rule K3 for the shop's admins: visits, suggestions, questions sent, deflected."""
    shops = list(admin_shops(request.user))
    if not shops:
        raise PermissionDenied
    shop = next((s for s in shops if s.slug == request.GET.get("shop")), shops[0])
    now = timezone.now()
    since = now - timedelta(weeks=REPORT_WEEKS)
    weeks = queries.weeks(shop, since, now)
    top, gaps = knowledge.report(shop, since)
    return render(
        request,
        "form/deflection.html",
        {
            "shop": shop,
            "shops": shops,
            "weeks": weeks,
            "total": queries.totals(weeks),
            "top_articles": queries.top_articles(shop, since, now),
            "gaps": queries.content_gaps(shop, since),
            "knowledge_top": top,
            "knowledge_gaps": gaps,
            "report_weeks": REPORT_WEEKS,
            "order_views": shopper_queries.order_view_totals(shop, since, now),
        },
    )
