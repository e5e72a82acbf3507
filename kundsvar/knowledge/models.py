"""The knowledge base: FAQ articles in categories, one row per language version, with
"was this helpful" votes, daily view counts and a log of what customers searched for.

The search index lives in two unmanaged tables, one per database engine (created by
migration 0001, written only by `kundsvar.knowledge.search`), like the case search's.
"""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundsvar.search.models import FtsField

LANGUAGES = [
    ("sv", _("Swedish")),
    ("nb", _("Norwegian")),
    ("da", _("Danish")),
    ("en", _("English")),
]


class Category(models.Model):
    """A heading on the FAQ page ("Leverans", "Returer"). The name is written in the
    shop's language; `names` may hold the other languages' names ({"en": "Delivery"})."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="knowledge_categories"
    )
    name = models.CharField(_("name"), max_length=80)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="knowledge_category_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return (self.names or {}).get(language) or self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    """One language version of an FAQ answer. Versions of the same answer share a
    `translation_group`; the body is Markdown, `body_html` its sanitised rendering."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="knowledge_articles"
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="sv")
    translation_group = models.UUIDField(default=uuid.uuid4, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    body = models.TextField(
        _("text"), help_text=_("Markdown: **bold**, lists, [links](https://…).")
    )
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related articles")
    )
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    # Semantic re-ranking (optional): the passage embedding and a hash of the text it
    # was computed from, so an edited article is embedded again.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_of = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="knowledge_article_slug"),
            models.UniqueConstraint(
                fields=["translation_group", "language"], name="knowledge_article_one_per_language"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "language", "status"], name="knowledge_article_listing")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Vote(models.Model):
    """One "was this helpful" answer; at most one per browser session and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField()
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=~models.Q(session_key=""),
                name="knowledge_vote_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"


class ArticleDay(models.Model):
    """Views of one article on one day (for "top articles" over a period)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="knowledge_article_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.views}"


class SearchLog(models.Model):
    """A search on the public FAQ page: what was asked and whether anything good came
    back. `terms` is the query's meaningful stems, sorted, so that "returnera varor" and
    "Returnera vara?" count as one question in the content-gap report."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="knowledge_searches"
    )
    query = models.CharField(max_length=200)
    terms = models.CharField(max_length=200)
    language = models.CharField(max_length=2)
    result_count = models.PositiveSmallIntegerField()
    answered = models.BooleanField(help_text="At least one result was relevant enough.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["shop", "created_at"], name="knowledge_search_shop")]

    def __str__(self) -> str:
        return self.query


class FtsRow(models.Model):
    """SQLite: one row of the FTS5 table `knowledge_fts` per article, rowid = article id;
    title and body stemmed in the article's language."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fts",
    )
    title = FtsField()
    body = FtsField()

    class Meta:
        managed = False
        db_table = "knowledge_fts"

    def __str__(self) -> str:
        return f"fts #{self.article_id}"


class ArticleDocument(models.Model):
    """PostgreSQL: one tsvector per article (title weighted A, body B), GIN-indexed."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="document",
    )
    vector = SearchVectorField()

    class Meta:
        managed = False
        db_table = "knowledge_document"

    def __str__(self) -> str:
        return f"document #{self.article_id}"
