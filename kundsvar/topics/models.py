"""What a question is about (C2, C6, S1–S3): the shop's topics, the fields each topic's
form asks for, its response-time targets per channel, and what agents taught intent
detection by correcting a case's topic."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("sv", "nb", "da", "en")
OTHER = "other"  # the slug of the catch-all topic: detection falls back to it


class FieldKind(models.TextChoices):
    """What a topic's form asks for besides the question itself."""

    ORDER = "order", _("Order number")
    TRACKING = "tracking", _("Tracking number")
    ORDER_OR_TRACKING = "order_or_tracking", _("Order or tracking number")
    ITEMS = "items", _("Which items")
    PHOTO = "photo", _("Photo")


class Topic(models.Model):
    """One kind of question a shop gets ("faulty item"). Names, descriptions and examples
    are per language (sv, nb, da, en): the contact page shows the customer's, detection
    reads all of them. `fields` lists what the form asks for, e.g.
    `[{"kind": "order", "required": true}, {"kind": "photo", "required": false}]`."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(_("code"), max_length=40)
    names = models.JSONField(_("names"), default=dict, help_text="{language: name}")
    plurals = models.JSONField(
        _("what the questions are called"),
        default=dict,
        blank=True,
        help_text="{language: 'reklamationer'}: the promise says 'reklamationer besvaras inom …'",
    )
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    examples = models.JSONField(
        _("example questions"), default=dict, blank=True, help_text="{language: [text, …]}"
    )
    keywords = models.JSONField(
        _("keywords"), default=dict, blank=True, help_text="{language: [word, …]}"
    )
    fields = models.JSONField(_("form fields"), default=list, blank=True)
    recommended_channel = models.CharField(
        _("recommended channel"),
        max_length=16,
        blank=True,
        help_text=_("A channel code (phone, chat …); empty: the form is fine."),
    )
    channel_hints = models.JSONField(
        _("channel hint"),
        default=dict,
        blank=True,
        help_text="{language: 'Ring eller chatta nu – ordern kan vara på väg att skickas'}",
    )
    faq_category = models.ForeignKey(
        "knowledge.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("FAQ category"),
    )
    faq_query = models.CharField(
        _("FAQ search words"),
        max_length=200,
        blank=True,
        help_text=_("Articles matching these words are suggested for this topic."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("shown to customers"), default=True)

    class Meta:
        ordering = ["shop", "position", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(fields=["shop", "slug"], name="topic_slug_unique")]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str = "sv") -> str:
        return self.names.get(language) or self.names.get("sv") or self.names.get("en") or self.slug

    def plural(self, language: str = "sv") -> str:
        return self.plurals.get(language) or ""

    def description(self, language: str = "sv") -> str:
        return self.descriptions.get(language) or self.descriptions.get("sv", "")

    def channel_hint(self, language: str = "sv") -> str:
        return self.channel_hints.get(language) or self.channel_hints.get("sv", "")

    def field_kinds(self) -> list[str]:
        return [spec["kind"] for spec in self.fields]

    @property
    def is_other(self) -> bool:
        return self.slug == OTHER


class TopicPolicy(models.Model):
    """A response-time target for one topic on one channel (blank: every channel), on top
    of the shop's policy (sla.ResponsePolicy): "reklamationer besvaras inom 8 timmar".
    Working minutes, like the shop's; the shop's ceiling still caps the promise (S1)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="policies")
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (working minutes)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("topic response time")
        verbose_name_plural = _("topic response times")
        constraints = [
            models.UniqueConstraint(fields=["topic", "channel"], name="topic_policy_unique"),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0), name="topic_policy_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic.slug} {self.channel or '*'} {self.first_response_minutes}"


class Correction(models.Model):
    """An agent set or changed a case's topic: the message text, kept as an example for
    intent detection (it learns from corrections); the latest per case counts. The text
    is the case's stored text, already masked (C3)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="corrections")
    # A plain id, not a key: cases has a key to topics, and a case deleted later must
    # not take what it taught with it.
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    previous = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    language = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case_id"], name="topic_correction_one_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.topic.slug} #{self.case_id}"
