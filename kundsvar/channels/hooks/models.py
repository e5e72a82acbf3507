"""Webhook bodies from the channels' providers (46elks, Twilio, Meta), stored as they came
before anything reads them (rule A6): a body that our code cannot handle yet stays here,
visible and retried, instead of being lost with a 500."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HookState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Processed")
    FAILED = "failed", _("Failed")


class InboundHook(models.Model):
    provider = models.CharField(max_length=32)  # "46elks", "twilio", "meta"
    kind = models.CharField(max_length=32, blank=True)  # "sms", "call", "whatsapp", ...
    # None when the body must be read to know the shop (a Meta page id).
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The provider's own id of the event (46elks call/SMS id, Twilio MessageSid, Meta
    # message id): a redelivery of the same event is the same row.
    external_id = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField()
    headers = models.JSONField(default=dict, blank=True)  # the few we keep; never credentials
    # Dotted path of the function that reads the body (set by our own view, never by input).
    processor = models.CharField(max_length=200)
    state = models.CharField(max_length=8, choices=HookState.choices, default=HookState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "provider",
                "external_id",
                condition=~Q(external_id=""),
                name="inbound_hook_once_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="inbound_hook_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.external_id or self.pk}"
