"""Every write to the knowledge base. The search index is updated after commit."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from kundsvar.core import batchcache
from kundsvar.search.text import language_code

from . import search, words
from .markup import render
from .models import Article, ArticleDay, Category, SearchLog, Status, Vote

if TYPE_CHECKING:
    from kundsvar.accounts.models import Agent
    from kundsvar.shops.models import Shop

SLUG_MAX = 80


class KnowledgeError(Exception):
    """A write that cannot be done as asked (shown to the editor)."""


def _unique_slug(shop: "Shop", title: str, wanted: str = "", exclude: int | None = None) -> str:
    base = slugify(wanted or title)[: SLUG_MAX - 4].strip("-") or "artikel"
    taken = set(
        Article.objects.filter(shop=shop, slug__startswith=base)
        # pk=None (a new article) excludes nothing; the stubs do not know that lookup.
        .exclude(pk=exclude)  # type: ignore[misc]
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _language(language: str) -> str:
    code = language_code(language)
    if not code:
        raise KnowledgeError(f"Unknown language {language!r}")
    return code


def create_article(
    shop: "Shop",
    *,
    title: str,
    body: str,
    language: str,
    category: Category | None = None,
    published: bool = True,
    slug: str = "",
    related: Iterable[Article] = (),
    agent: "Agent | None" = None,
    translation_of: Article | None = None,
    position: int = 0,
) -> Article:
    """A new article (or a new language version of `translation_of`), indexed after
    commit. Its address is made from the title, unique within the shop."""
    language = _language(language)
    for _attempt in range(3):  # two editors choosing the same title at once
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    shop=shop,
                    title=title.strip(),
                    body=body,
                    body_html=render(body),
                    language=language,
                    category=category,
                    position=position,
                    slug=_unique_slug(shop, title, slug),
                    status=Status.PUBLISHED if published else Status.DRAFT,
                    published_at=timezone.now() if published else None,
                    updated_by=agent,
                    **(
                        {"translation_group": translation_of.translation_group}
                        if translation_of
                        else {}
                    ),
                )
                if related:
                    article.related.set(related)
                search.index_on_commit(article.pk)
                batchcache.forget(shop.pk)  # its languages (queries.published_languages)
                return article
        except IntegrityError:
            if (
                translation_of
                and Article.objects.filter(
                    translation_group=translation_of.translation_group, language=language
                ).exists()
            ):
                raise KnowledgeError(
                    "This article already has a version in that language."
                ) from None
    raise KnowledgeError("Could not find a free address for the article.")


def add_translation(
    article: Article,
    *,
    language: str,
    title: str,
    body: str,
    agent: "Agent | None" = None,
    published: bool = False,
) -> Article:
    """Another language version of `article`: same category, same translation group."""
    return create_article(
        article.shop,
        title=title,
        body=body,
        language=language,
        category=article.category,
        published=published,
        agent=agent,
        translation_of=article,
        position=article.position,
    )


def update_article(
    article: Article,
    *,
    title: str,
    body: str,
    category: Category | None = None,
    slug: str = "",
    related: Iterable[Article] | None = None,
    agent: "Agent | None" = None,
    position: int | None = None,
) -> Article:
    with transaction.atomic():
        article.title = title.strip()
        article.body = body
        article.body_html = render(body)
        article.category = category
        if slug and slug != article.slug:
            article.slug = _unique_slug(article.shop, title, slug, exclude=article.pk)
        if position is not None:
            article.position = position
        article.updated_by = agent
        article.save(
            update_fields=[
                "title",
                "body",
                "body_html",
                "category",
                "slug",
                "position",
                "updated_by",
                "updated_at",
            ]
        )
        if related is not None:
            article.related.set([a for a in related if a.pk != article.pk])
        search.index_on_commit(article.pk)
    batchcache.forget(article.shop_id)  # its stems (queries.is_relevant)
    return article


def publish(article: Article, agent: "Agent | None" = None) -> bool:
    """True when this call published it (a second click changes nothing)."""
    changed = (
        Article.objects.filter(pk=article.pk)
        .exclude(status=Status.PUBLISHED)
        .update(
            status=Status.PUBLISHED,
            published_at=timezone.now(),
            updated_by=agent,
            updated_at=timezone.now(),
        )
    )
    article.refresh_from_db(fields=["status", "published_at"])
    batchcache.forget(article.shop_id)
    return bool(changed)


def unpublish(article: Article, agent: "Agent | None" = None) -> bool:
    changed = Article.objects.filter(pk=article.pk, status=Status.PUBLISHED).update(
        status=Status.DRAFT, updated_by=agent, updated_at=timezone.now()
    )
    article.refresh_from_db(fields=["status"])
    batchcache.forget(article.shop_id)
    return bool(changed)


def delete_article(article: Article) -> None:
    pk, shop_id = article.pk, article.shop_id
    batchcache.forget(shop_id)
    with transaction.atomic():
        article.delete()
        search.index_on_commit(pk)


def save_category(
    shop: "Shop",
    *,
    name: str,
    names: dict | None = None,
    position: int = 0,
    category: Category | None = None,
) -> Category:
    with transaction.atomic():
        if category is None:
            return Category.objects.create(
                shop=shop, name=name.strip(), names=names or {}, position=position
            )
        category.name, category.names, category.position = name.strip(), names or {}, position
        category.save(update_fields=["name", "names", "position"])
        return category


def record_vote(article: Article, helpful: bool, session_key: str = "") -> bool:
    """One "was this helpful" answer. With a session key, only the session's first vote
    on this article counts; returns whether this one did."""
    try:
        with transaction.atomic():
            Vote.objects.create(article=article, helpful=helpful, session_key=session_key or "")
            field = "helpful_count" if helpful else "unhelpful_count"
            Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
    except IntegrityError:
        return False
    return True


def record_view(article: Article, now: datetime | None = None) -> None:
    day = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        if ArticleDay.objects.filter(article=article, day=day).update(views=F("views") + 1):
            return
        try:
            with transaction.atomic():
                ArticleDay.objects.create(article=article, day=day, views=1)
        except IntegrityError:  # another request created today's row first
            ArticleDay.objects.filter(article=article, day=day).update(views=F("views") + 1)


def log_search(shop: "Shop", query: str, language: str, result_count: int, answered: bool) -> None:
    """A search on the public FAQ, for the content-gap report. Empty queries are not
    searches and are not logged."""
    terms = " ".join(sorted(words.meaningful_stems(query, language)))[:200]
    if not terms:
        return
    SearchLog.objects.create(
        shop=shop,
        query=" ".join(query.split())[:200],
        terms=terms,
        language=language,
        result_count=min(result_count, 32767),
        answered=answered,
    )
