"""The knowledge base as the contact form sees it (rules C6, K3).

The form offers articles but must never depend on them: a failing search shows no
suggestions, and the question can still be sent (C6: offered, never forced). All calls
into the knowledge app go through here.
"""

import logging
import re

from django.urls import reverse

from kundsvar.knowledge import queries, services
from kundsvar.knowledge.markup import plain_text

log = logging.getLogger(__name__)
EXCERPT_CHARS = 160
_URL = re.compile(r"\s*\((?:https?|mailto|tel):[^)]*\)")


def suggest(shop, text: str, language: str, limit: int = 5) -> list:
    try:
        return list(queries.suggest(shop, text, language, limit=limit))
    except Exception:  # noqa: BLE001 — suggestions never block the form (C6)
        log.exception("FAQ suggestions failed for shop %s", shop.pk)
        return []


def article(shop, article_id: int):
    """A published article of `shop`, or None."""
    return queries.published(shop).filter(pk=article_id).first()


def article_url(shop, article) -> str:
    return reverse("knowledge:article", args=[shop.slug, article.slug])


def excerpt(article) -> str:
    """A short plain-text taste of the article (links without their addresses), cut on
    a word boundary."""
    text = " ".join(_URL.sub("", plain_text(article.body)).split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def record_helpful(article, session_id: int) -> None:
    """The customer said the article answered the question: the article's own vote."""
    services.record_vote(article, True, session_key=f"form-{session_id}")


def report(shop, since) -> tuple[list, list]:
    """The FAQ's own figures beside the form's: its most read and helpful articles, and
    what customers searched for in it without a relevant answer (content gaps)."""
    return queries.top_articles(shop, since), queries.content_gaps(shop, since)
