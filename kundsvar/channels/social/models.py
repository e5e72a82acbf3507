"""Messenger, Instagram and WhatsApp: a shop's connection to each platform, the platform's
id of every message we took in or sent, the replies as delivery rows, and the WhatsApp
templates a shop may send outside the 24-hour window."""

import re
import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundsvar.core.delivery import DeliveryRow


class Platform(models.TextChoices):
    # The values are the channel codes (cases.models.Channel) and the handle kinds
    # (customers.models.HandleKind) of the same platform.
    MESSENGER = "messenger", _("Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    WHATSAPP = "whatsapp", _("WhatsApp")


def new_webhook_key() -> str:
    return secrets.token_urlsafe(18)


class Connection(models.Model):
    """A shop's Facebook page, Instagram professional account or WhatsApp phone number.

    Each connection has its own webhook URL (`/hooks/meta/<webhook_key>/`): the key only
    routes, it proves nothing; every POST is signed with `app_secret` and checked before
    anything is stored. `access_token` and `app_secret` are never shown again once saved."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    # Page id, Instagram account id, or WhatsApp phone-number id: where we send from, and
    # entry.id / metadata.phone_number_id in what the platform sends us.
    account_id = models.CharField(_("account id"), max_length=64)
    access_token = models.TextField(_("access token"))
    app_secret = models.CharField(_("app secret"), max_length=200)
    verify_token = models.CharField(_("verify token"), max_length=200)
    webhook_key = models.CharField(max_length=40, unique=True, default=new_webhook_key)
    acknowledge = models.BooleanField(
        _("send an automatic acknowledgement"),
        default=True,
        help_text=_("A short reply with the case number and when the answer comes."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_check_at = models.DateTimeField(null=True, blank=True)
    last_check_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("shop", "platform", name="social_connection_per_shop"),
            models.UniqueConstraint("platform", "account_id", name="social_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.account_id}"


class PlatformMessage(models.Model):
    """A platform's id of a message (Messenger/Instagram `mid`, WhatsApp `wamid`) and our
    Message it became: a redelivered or retried webhook finds it here and adds nothing."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=255)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    sender = models.CharField(max_length=100)  # PSID, IGSID or wa_id
    message = models.ForeignKey(
        "cases.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="platform_ids",
    )
    created_at = models.DateTimeField()
    # Files that could not be fetched when the message came (events.Media as dicts): tried
    # again by the worker (media.refetch_due) until `media_attempts` runs out.
    missing_media = models.JSONField(default=list, blank=True)
    media_attempts = models.PositiveSmallIntegerField(default=0)
    media_next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("platform", "external_id", name="platform_message_once")
        ]
        indexes = [
            models.Index(
                fields=["media_next_at"],
                name="platform_message_media_due",
                condition=Q(media_next_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class SocialKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    ACK = "ack", _("Acknowledgement")
    TEMPLATE = "template", _("Template")


class PlatformStatus(models.TextChoices):
    """What the platform told us after it took the message (status webhooks)."""

    NONE = "", _("Not yet known")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Not delivered")


# A status never goes back: "delivered" after "read" (out of order) changes nothing.
STATUS_RANK = {"": 0, "sent": 1, "delivered": 2, "read": 3}


class SocialDelivery(DeliveryRow):
    """One message to a customer on a platform, a row of the delivery machine
    (kundsvar.core.delivery). `payload` is the exact JSON body the send API gets."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="social_deliveries"
    )
    case_message = models.ForeignKey(
        "cases.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_deliveries",
    )
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=SocialKind.choices)
    recipient = models.CharField(max_length=100)
    payload = models.JSONField()
    # The platform's id of the sent message, from the send API's answer.
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    platform_status = models.CharField(
        max_length=10, choices=PlatformStatus.choices, default="", blank=True
    )
    platform_status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("social delivery")
        verbose_name_plural = _("social deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="social_delivery_due", condition=Q(state="queued")
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.state})"


class WhatsAppTemplate(models.Model):
    """A message template the shop had approved by WhatsApp: the only thing that may be
    sent more than 24 hours after the customer's last message."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("template name"), max_length=512)
    language = models.CharField(_("language code"), max_length=15, default="sv")
    text = models.TextField(
        _("text"), help_text=_("The approved text, as the customer will read it.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint("shop", "name", "language", name="whatsapp_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def parameter_count(self) -> int:
        """The highest {{n}} in the text: WhatsApp's placeholders, numbered from 1."""
        return max((int(n) for n in PLACEHOLDER.findall(self.text)), default=0)

    def filled(self, values: list[str]) -> str:
        """The text as the customer reads it, {{1}} … replaced by `values`."""
        return PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], self.text)


# {{1}}, {{2}} …: a template's variables, filled in when it is sent.
PLACEHOLDER = re.compile(r"\{\{\s*([1-9][0-9]?)\s*\}\}")
