"""Read side of the knowledge base: suggestions for a customer's question (rule C6),
FAQ search (K2), and the figures the deflection report shows."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from kundsvar.core import batchcache
from kundsvar.search.text import language_code

from . import search, words
from .markup import plain_text
from .models import Article, ArticleDay, SearchLog, Status, Vote


@dataclass
class Hit:
    article: Article
    score: float
    stems: list[str]

    @cached_property
    def _relevance(self) -> tuple[bool, list[str]]:
        return is_relevant(self.stems, self.article)

    @property
    def relevant(self) -> bool:
        return self._relevance[0]

    @property
    def matched(self) -> list[str]:
        return self._relevance[1]


def published(shop, language: str | None = None):
    articles = Article.objects.filter(shop=shop, status=Status.PUBLISHED)
    return articles.filter(language=language) if language else articles


def published_languages(shop) -> set[str]:
    """The languages the shop has published articles in; kept for a batch of work
    (core.batchcache), forgotten when an article changes (services)."""
    return batchcache.cached(
        shop.pk,
        ("published_languages",),
        lambda: set(published(shop).order_by().values_list("language", flat=True).distinct()),
    )


# The nearest languages first when an article has no version in the visitor's own: a
# Norwegian reads Danish, then Swedish, before English (rule R7).
FALLBACKS = {
    "sv": ("sv", "nb", "da", "en"),
    "nb": ("nb", "da", "sv", "en"),
    "da": ("da", "nb", "sv", "en"),
    "en": ("en", "sv", "nb", "da"),
}


def language_order(shop, language: str) -> list[str]:
    """`language`, then the others nearest first; for English the shop's own comes next
    (its articles are the most complete)."""
    order = FALLBACKS.get(language, (language, "sv", "nb", "da", "en"))
    if language == "en":
        order = ("en", shop.language, *order[1:])
    return list(dict.fromkeys(order))


def best_version(articles, order: list[str]):
    """The one of `articles` (versions of one answer) in the earliest language of `order`."""
    position = {code: i for i, code in enumerate(order)}
    return min(articles, key=lambda a: position.get(a.language, len(order)), default=None)


def published_for(shop, language: str) -> list[Article]:
    """One published version of every answer: in `language` when it has one, else in
    the nearest language that does (so a Norwegian FAQ is never empty)."""
    groups: dict = {}
    for article in published(shop).defer("embedding"):
        groups.setdefault(article.translation_group, []).append(article)
    order = language_order(shop, language)
    return [best_version(versions, order) for versions in groups.values()]


def is_relevant(stems: list[str], article: Article) -> tuple[bool, list[str]]:
    """Whether the article answers enough of the question to offer it unasked (in an
    acknowledgement, beside the agent's composer): a title word counts double. A
    question of one or two meaningful words needs one in the title or all in the body;
    a longer one needs a weight of three (two title words, or a title word and a body
    word, or three body words)."""
    title_stems, body_stems = batchcache.cached(  # the same articles match message after message
        article.shop_id,
        ("document_stems", article.pk),
        lambda: _stem_sets(article),
    )
    star = search.prefixes(stems)
    in_title = [s for s in stems if search.stem_matches(s, title_stems, s in star)]
    in_body = [
        s for s in stems if s not in in_title and search.stem_matches(s, body_stems, s in star)
    ]
    if len(stems) <= 2:
        ok = bool(in_title) or (bool(in_body) and len(in_body) == len(stems))
    else:
        ok = 2 * len(in_title) + len(in_body) >= 3
    return ok, in_title + in_body


def _stem_sets(article: Article) -> tuple[set[str], set[str]]:
    title, body = search.document_stems(article.title, article.body, article.language)
    return set(title.split()), set(body.split())


def _search(queryset, query: str, language: str, limit: int, shop=None) -> list[Hit]:
    """With `shop` (in a batch of work, `queryset` None): the shop's published articles,
    by a compiled query kept for the next question (search.ranked_statement)."""
    stems = words.meaningful_stems(query, language)
    if not stems:
        return []
    if settings.KNOWLEDGE_SEMANTIC:
        # Imported only when switched on: numpy and the model come with `.[semantic]`.
        from . import semantic

        queryset = published(shop) if queryset is None else queryset
        found = list(
            search.ranked(queryset.filter(language=language), stems)[
                : max(limit, semantic.CANDIDATES)
            ]
        )
        found = semantic.rerank(query, found) if len(found) > 1 else found
    elif shop is not None:
        statement = batchcache.cached(
            shop.pk,
            ("ranked_statement", language, limit),
            lambda: search.ranked_statement(published(shop, language).defer("embedding"), limit),
        )
        found = statement(stems)
    else:
        found = list(
            search.ranked(queryset.filter(language=language), stems).defer("embedding")[:limit]
        )
    return [Hit(article, article.lexical_score, stems) for article in found[:limit]]


def rank(
    shop, query: str, language: str | None, limit: int = 5, queryset=None, fallback: bool = True
) -> list[Hit]:
    """The best published articles of `shop` for a free-text question: any meaningful
    word of it, stemmed in `language`, BM25-ranked with the title above the body.
    Articles in the customer's language come first; when they are too few, the nearer
    languages up to the shop's own fill up (one version per article) unless `fallback`
    is off."""
    default = queryset is None
    language = language_code(language) or shop.language
    if default and batchcache.active():  # the compiled statement is kept (_search)
        hits = _search(None, query, language, limit, shop=shop)
    else:
        queryset = published(shop) if default else queryset
        hits = _search(queryset, query, language, limit)
    order = language_order(shop, language)
    # Up to the shop's own language, whose answers are the most complete: a search per
    # language while the customer types is enough cost.
    nearer = order[1 : order.index(shop.language) + 1] if shop.language in order else order[1:]
    for other in nearer if fallback else []:
        if len(hits) >= limit:
            break
        groups = [h.article.translation_group for h in hits]
        rest = (published(shop) if queryset is None else queryset).exclude(
            translation_group__in=groups
        )
        hits += _search(rest, query, other, limit - len(hits))
    return hits


def suggest(shop, text: str, language: str | None, limit: int = 5) -> list[Article]:
    """Articles to offer while a customer types a question (rule C6)."""
    return [hit.article for hit in rank(shop, text, language, limit)]


def relevant_articles(
    shop, text: str, language: str | None, limit: int = 3, fallback: bool = True
) -> list[Article]:
    """Like `suggest`, but only articles that clearly match (is_relevant). In a batch of
    work (core.batchcache) a shop with no published article in the language is not
    searched: one query for the batch instead of one per message."""
    code = language_code(language) or shop.language
    if not fallback and batchcache.active() and code not in published_languages(shop):
        return []
    return [
        hit.article for hit in rank(shop, text, language, limit, fallback=fallback) if hit.relevant
    ]


def top_for_faq(shop, language: str, limit: int = 6) -> list[Article]:
    """The FAQ's front page: most read, then most helpful (one version per answer)."""
    articles = published_for(shop, language)
    articles.sort(key=lambda a: (-a.view_count, -a.helpful_count, a.position, a.title))
    return articles[:limit]


def versions(article: Article) -> list[Article]:
    """The article's other published language versions."""
    return list(
        Article.objects.filter(translation_group=article.translation_group, status=Status.PUBLISHED)
        .exclude(pk=article.pk)
        .order_by("language")
    )


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """The editor's choice; otherwise others of the same category."""
    chosen = list(
        article.related.filter(status=Status.PUBLISHED, language=article.language)[:limit]
    )
    if chosen or article.category_id is None:
        return chosen
    return list(
        published(article.shop, article.language)
        .filter(category=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-helpful_count", "position", "title")[:limit]
    )


def content_gaps(shop, since: datetime, limit: int = 20) -> list[dict]:
    """What customers searched for on the FAQ without getting a relevant answer, most
    frequent first: {"query" (the latest wording), "terms", "count", "last_searched",
    "language"}."""
    rows = (
        SearchLog.objects.filter(shop=shop, created_at__gte=since, answered=False)
        .values("terms")
        .annotate(count=Count("pk"), last_searched=Max("created_at"), last_id=Max("pk"))
        .order_by("-count", "-last_searched")[:limit]
    )
    rows = list(rows)
    latest = SearchLog.objects.in_bulk([row["last_id"] for row in rows])
    return [
        {
            "query": latest[row["last_id"]].query,
            "terms": row["terms"],
            "count": row["count"],
            "last_searched": row["last_searched"],
            "language": latest[row["last_id"]].language,
        }
        for row in rows
    ]


def top_articles(shop, since: datetime, limit: int = 10) -> list[Article]:
    """The shop's articles most read and found helpful since `since`, each with
    `views_since`, `helpful_since` and `unhelpful_since`."""

    def votes(helpful: bool):
        return Coalesce(
            Subquery(
                Vote.objects.filter(article=OuterRef("pk"), helpful=helpful, created_at__gte=since)
                .values("article")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    views = Coalesce(
        Subquery(
            ArticleDay.objects.filter(article=OuterRef("pk"), day__gte=since.date())
            .values("article")
            .annotate(n=Sum("views"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    return list(
        Article.objects.filter(shop=shop)
        .annotate(views_since=views, helpful_since=votes(True), unhelpful_since=votes(False))
        .filter(Q(views_since__gt=0) | Q(helpful_since__gt=0) | Q(unhelpful_since__gt=0))
        .order_by("-helpful_since", "-views_since", "unhelpful_since", "title")[:limit]
    )


def searches(shop, since: datetime) -> dict:
    """How many FAQ searches there were and how many found a relevant answer."""
    figures = SearchLog.objects.filter(shop=shop, created_at__gte=since).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    return {"total": figures["total"], "answered": figures["answered"]}


def article_text(article: Article) -> str:
    """The article as a starting point for an agent's reply: title and plain text."""
    return f"{article.title}\n\n{plain_text(article.body)}"
