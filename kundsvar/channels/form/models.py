"""Deflection measurement for the contact form (rule K3).

A FormSession is one visit to the contact form. It records whether suggestions were
shown, whether the visitor found an answer (opened a suggested article or said "yes,
that answered it") and whether they sent their question anyway. Article ids are kept
as plain integers: the knowledge base owns its articles, and a deleted article must not
delete the history of what it once deflected.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSession(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="form_sessions")
    language = models.CharField(max_length=2, blank=True)
    started_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField()
    # Suggestions: how many times a non-empty list was shown, and the last text asked
    # about (masked for personal numbers, cut short) with its number of results.
    suggestions_shown = models.PositiveIntegerField(default=0)
    last_query = models.CharField(max_length=200, blank=True)
    last_query_results = models.PositiveSmallIntegerField(null=True, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["shop", "started_at"], name="form_session_shop_time")]

    def __str__(self) -> str:
        return f"form session {self.pk} ({self.shop_id})"


class ArticleAction(models.TextChoices):
    SHOWN = "shown", _("Suggested")
    OPENED = "opened", _("Opened")
    ANSWERED = "answered", _("Answered the question")


class SuggestedArticle(models.Model):
    """One article in one session: shown, opened, or confirmed as the answer."""

    session = models.ForeignKey(FormSession, on_delete=models.CASCADE, related_name="articles")
    article_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=ArticleAction.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "article_id", "action"], name="suggested_article_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.article_id}"
