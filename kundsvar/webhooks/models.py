import secrets

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundsvar.core.delivery import DeliveryRow, DeliveryState

__all__ = ["DeliveryState", "Event", "WebhookDelivery", "WebhookEndpoint"]


class Event(models.TextChoices):
    CASE_CREATED = "case.created", _("Case created")
    MESSAGE_RECEIVED = "message.received", _("Message received")
    REPLY_SENT = "reply.sent", _("Reply sent")
    CASE_CLOSED = "case.closed", _("Case closed")
    TEST = "test", _("Test event")  # the settings page's "send test event"; never fired


def new_secret() -> str:
    return secrets.token_hex(32)


def all_events() -> list[str]:
    return [event for event in Event.values if event != Event.TEST]


class WebhookEndpoint(models.Model):
    """A URL of the shop's own systems that hears about its cases. Every delivery is
    signed with `secret` (X-Kundsvar-Signature), so the receiver can check it is ours."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    secret = models.CharField(_("signing secret"), max_length=128, default=new_secret)
    events = models.JSONField(
        _("events"),
        default=all_events,
        blank=True,
        help_text=_('Event codes to send, e.g. ["case.created"].'),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        if not isinstance(self.events, list) or set(map(str, self.events)) - set(all_events()):
            raise ValidationError(
                {"events": _("Choose from %(events)s.") % {"events": ", ".join(all_events())}}
            )

    def wants(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class WebhookDelivery(DeliveryRow):
    """One event for one endpoint, a row of the delivery machine (kundsvar.core.delivery):
    written in the transaction of the change that caused it, sent by the worker after
    commit, retried with backoff."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = None  # this kind has always called it delivered_at
    delivered_at = models.DateTimeField(null=True, blank=True)
    SENT_AT = "delivered_at"

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(state="queued"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"
