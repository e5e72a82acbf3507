from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Score(models.TextChoices):
    GOOD = "good", _("Good")
    BAD = "bad", _("Bad")


class Rating(models.Model):
    """The customer's answer to "Did this answer your question?" for one reply (R4, F1).

    One row per answer given: when the customer changes their mind, the old row is kept
    with `replaced_at` set, so a comment always stays with the score it was written for
    (F2). Counts use the current row (`replaced_at` is None), at most one per reply."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ratings")
    message = models.ForeignKey("cases.Message", on_delete=models.CASCADE, related_name="ratings")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
    )
    channel = models.CharField(max_length=16)
    score = models.CharField(max_length=4, choices=Score.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="rating_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["message"],
                condition=models.Q(replaced_at=None),
                name="one_current_rating_per_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.score} on #{self.case_id}"
