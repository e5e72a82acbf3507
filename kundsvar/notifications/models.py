"""What an agent is told about their own work: a case given to them, a customer's reply
on their case, a mention in an internal note, a promise at risk. Rows are written by
explicit calls from the services that make those changes (`services.py`); the kind is
stored as a code and put into words when shown, in the reader's language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("A case was assigned to me")
    REPLY = "reply", _("A customer replied on my case")
    MENTION = "mention", _("Someone mentioned me in an internal note")
    AT_RISK = "at_risk", _("A promise on my case is at risk")


class Digest(models.TextChoices):
    OFF = "off", _("No email")
    HOURLY = "hourly", _("Every hour")
    DAILY = "daily", _("Once a day (07:00)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300, blank=True)  # an excerpt: the note, the message
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # in a digest: never twice

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} #{self.case_id}"


class NotificationSettings(models.Model):
    """An agent's choices; an agent without a row gets every kind and no email."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kinds = models.JSONField(default=list)  # the kinds the agent wants, as codes
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.OFF)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent_id}: {','.join(self.kinds)} / {self.digest}"
