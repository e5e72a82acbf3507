from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Score(models.TextChoices):
    GOOD = "good", _("Good")
    BAD = "bad", _("Bad")


class Rating(models.Model):
    """The customer's answer to "Did this answer your question?" for one reply (R4, F1)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ratings")
    message = models.OneToOneField("cases.Message", on_delete=models.CASCADE,
                                   related_name="rating")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="ratings")
    channel = models.CharField(max_length=16)
    score = models.CharField(max_length=4, choices=Score.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="rating_time")]

    def __str__(self) -> str:
        return f"{self.score} on #{self.case_id}"
