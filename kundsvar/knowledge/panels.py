"""Beside the conversation (rule R6): the FAQ articles that match the customer's latest
question, with buttons that put the article's link or its text into the reply as a
starting point. The composer's saved-reply mechanism does the inserting (workspace.js),
and the server's "not adapted" warning covers these texts too (`inserted_texts`)."""

from django.template.loader import render_to_string

from kundsvar.cases.queries import latest_inbound

from . import queries
from .emails import article_url
from .models import Article, Status

ARTICLES = 3
# Inserted articles travel in the composer's `inserted` field as "kbt<id>" (the text)
# or "kbl<id>" (the link), beside the saved replies' plain ids.
TEXT_TOKEN, LINK_TOKEN = "kbt", "kbl"


def _question(case) -> str:
    latest = latest_inbound(case, "new_text", "body_text")
    return f"{case.subject}\n{latest.display_text if latest else ''}"


def suggested_articles(case, agent) -> str | None:
    """CUSTOMER_PANELS entry: nothing when no article matches well."""
    hits = [
        hit
        for hit in queries.rank(case.shop, _question(case), case.language, ARTICLES)
        if hit.relevant
    ]
    if not hits:
        return None
    items = [
        {
            "article": hit.article,
            "url": article_url(hit.article),
            "text": queries.article_text(hit.article),
            "id": hit.article.pk,
            "other_language": hit.article.language != case.language,
        }
        for hit in hits
    ]
    return render_to_string("knowledge/panel.html", {"items": items, "case": case})


def _ids(tokens, prefix: str) -> list[int]:
    return [
        int(t[len(prefix) :]) for t in tokens if t.startswith(prefix) and t[len(prefix) :].isdigit()
    ]


def inserted_texts(case, tokens) -> list[str]:
    """What the composer inserted for these "kbt<id>"/"kbl<id>" tokens (other tokens are
    ignored), for the check that warns before an unadapted answer goes out (rule R6)."""
    texts, links = _ids(tokens, TEXT_TOKEN), _ids(tokens, LINK_TOKEN)
    if not texts and not links:
        return []
    articles = Article.objects.filter(
        shop_id=case.shop_id, pk__in=[*texts, *links], status=Status.PUBLISHED
    ).select_related("shop")
    found = {article.pk: article for article in articles}
    return [queries.article_text(found[pk]) for pk in texts if pk in found] + [
        article_url(found[pk]) for pk in links if pk in found
    ]
