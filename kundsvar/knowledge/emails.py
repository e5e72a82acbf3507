"""FAQ links in the acknowledgement (rule A5): up to three published articles that
clearly match the customer's question, in the case's language, as absolute links.
Nothing at all when none matches well enough: a wrong answer offered is worse than none."""

from django.template.loader import render_to_string
from django.urls import reverse

from kundsvar.core.links import absolute

from . import queries

ARTICLES = 3


def article_url(article) -> str:
    return absolute(reverse("knowledge:article", args=[article.shop.slug, article.slug]))


def ack_section(case, inbound) -> dict | None:
    """Called by the acknowledgement inside the customer's language (ACK_SECTIONS)."""
    question = f"{case.subject}\n{inbound.display_text}"
    articles = queries.relevant_articles(
        case.shop, question, case.language, ARTICLES, fallback=False
    )
    if not articles:
        return None
    links = [(article.title, article_url(article)) for article in articles]
    context = {"links": links}
    return {
        "text": render_to_string("knowledge/ack_section.txt", context).strip(),
        "html": render_to_string("knowledge/ack_section.html", context),
    }
