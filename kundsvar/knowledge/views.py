"""The public FAQ (rules K1, K2, C6): categories, the most read answers, a search box
that works without JavaScript, and each answer with "Was this helpful?". `?embed=1`
shows the page without its header inside the help widget's iframe."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kundsvar.core import ratelimit
from kundsvar.core.embed import allow_framing
from kundsvar.core.language import (
    CUSTOMER_LANGUAGES,
    customer_language,
    promise_language,
    shop_languages,
)
from kundsvar.shops.models import Shop

from . import queries, services
from .models import Article, Category, Status

MAX_QUERY = 200
RESULTS = 10


def _page(request, template: str, shop, language: str, context: dict):
    embed = request.GET.get("embed") == "1" or request.POST.get("embed") == "1"
    context = {
        "shop": shop,
        "languages": shop_languages(shop),
        "embed": embed,
        "embed_query": "embed=1" if embed else "",
        "language": language,
        **context,
    }
    with translation.override(promise_language(language)):
        response = render(request, template, context)
    # Shown inside the help widget's iframe on the shop's own site.
    return allow_framing(response, shop) if embed else response


# Beside an article shown in another language than the visitor's, and above it.
IN_LANGUAGE = {
    "sv": _("in Swedish"),
    "nb": _("in Norwegian"),
    "da": _("in Danish"),
    "en": _("in English"),
}
NOT_IN_LANGUAGE = {
    "sv": _("This article is not available in Swedish."),
    "nb": _("This article is not available in Norwegian."),
    "da": _("This article is not available in Danish."),
    "en": _("This article is not available in English."),
}


def _mark(articles, language: str):
    """Each article shown in another language says which (in the visitor's words)."""
    for article in articles:
        article.in_language = (
            IN_LANGUAGE.get(article.language, "") if article.language != language else ""
        )
    return articles


def _categories(shop, language: str) -> list[dict]:
    articles = _mark(queries.published_for(shop, language), language)
    articles.sort(key=lambda a: (a.position, a.title))
    groups = []
    for category in Category.objects.filter(shop=shop):
        inside = [a for a in articles if a.category_id == category.pk]
        if inside:
            groups.append({"name": category.label(language), "articles": inside})
    loose = [a for a in articles if a.category_id is None]
    if loose:
        groups.append({"name": "", "articles": loose})
    return groups


def faq(request, shop):
    shop = get_object_or_404(Shop, slug=shop)
    language = customer_language(request, shop)
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    hits = None
    if query:
        hits = queries.rank(shop, query, language, RESULTS)
        _mark([hit.article for hit in hits], language)
        services.log_search(
            shop, query, language, len(hits), answered=any(hit.relevant for hit in hits)
        )
    return _page(
        request,
        "knowledge/faq.html",
        shop,
        language,
        {
            "query": query,
            "hits": hits,
            "top": [] if query else _mark(queries.top_for_faq(shop, language), language),
            "categories": _categories(shop, language),
        },
    )


def article(request, shop, article):
    shop = get_object_or_404(Shop, slug=shop)
    found = get_object_or_404(Article, shop=shop, slug=article, status=Status.PUBLISHED)
    versions = queries.versions(found)
    asked = request.GET.get("lang", "")
    language = asked if asked in CUSTOMER_LANGUAGES else found.language
    if language != found.language:  # the language links in the page header, the FAQ's
        best = queries.best_version([found, *versions], queries.language_order(shop, language))
        if best != found:
            params = {"lang": language} if best.language != language else {}
            return redirect(_article_url(best, request.GET.get("embed") == "1", **params))
    voted = request.GET.get("voted", "")
    if not voted:
        services.record_view(found)
    context = _article_context(found, language, versions)
    context["voted"] = voted if voted in ("yes", "no") else ""
    return _page(request, "knowledge/article.html", shop, language, context)


def _article_context(found: Article, language: str, versions) -> dict:
    return {
        "article": found,
        "versions": versions,
        "related": queries.related_articles(found),
        "voted": "",
        "category": found.category.label(language) if found.category else "",
        "not_in_language": NOT_IN_LANGUAGE.get(language, "") if language != found.language else "",
    }


def _article_url(article: Article, embed: bool, **params) -> str:
    url = reverse("knowledge:article", args=[article.shop.slug, article.slug])
    if embed:
        params["embed"] = "1"
    return f"{url}?{urlencode(params)}" if params else url


# Anonymous, one counted vote per session, and also cast inside the help widget's iframe,
# where the browser withholds our SameSite CSRF cookie: exempt, like the contact form.
@csrf_exempt
@require_POST
def vote(request, shop, article):
    shop = get_object_or_404(Shop, slug=shop)
    found = get_object_or_404(Article, shop=shop, slug=article, status=Status.PUBLISHED)
    if not ratelimit.allow(request, "faq_vote"):
        context = _article_context(found, found.language, queries.versions(found))
        response = _page(
            request,
            "knowledge/article.html",
            shop,
            found.language,
            {**context, "rate_limited": ratelimit.MESSAGE},
        )
        response.status_code = 429
        return response
    helpful = request.POST.get("helpful") == "yes"
    if not request.session.session_key:  # one vote per browser session and article
        request.session.save()
    services.record_vote(found, helpful, session_key=request.session.session_key)
    url = _article_url(found, request.POST.get("embed") == "1", voted="yes" if helpful else "no")
    return redirect(url + "#helpful")
