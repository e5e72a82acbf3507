"""FAQ links in the acknowledgement (rule A5): up to three published articles that
clearly match the customer's question, in the case's language, as absolute links.
Nothing at all when none matches well enough: a wrong answer offered is worse than none."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundsvar.core import batchcache
from kundsvar.core.links import absolute

from . import queries

ARTICLES = 3


def article_url(article, shop=None) -> str:
    """`shop`: the article's shop when the caller has it loaded (no query for it)."""
    slug = (shop or article.shop).slug
    return absolute(reverse("knowledge:article", args=[slug, article.slug]))


def ack_section(case, inbound) -> dict | None:
    """Called by the acknowledgement inside the customer's language (ACK_SECTIONS)."""
    question = f"{case.subject}\n{inbound.display_text}"
    articles = queries.relevant_articles(
        case.shop, question, case.language, ARTICLES, fallback=False
    )
    if not articles:
        return None
    # The same few articles answer message after message: in a batch of mail the section
    # is rendered once per language and set of articles (services forget it on a change).
    key = ("ack_section", translation.get_language(), *(article.pk for article in articles))
    return dict(batchcache.cached(case.shop_id, key, lambda: _section(case.shop, articles)))


def _section(shop, articles) -> dict:
    context = {"links": [(article.title, article_url(article, shop)) for article in articles]}
    return {
        "text": render_to_string("knowledge/ack_section.txt", context).strip(),
        "html": render_to_string("knowledge/ack_section.html", context),
    }
