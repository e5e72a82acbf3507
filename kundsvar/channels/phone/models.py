"""Phone and SMS: a shop's telephony connection (46elks or Twilio), the SMS we send as
delivery rows, the calls we know of, and the callbacks customers asked for."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundsvar.channels.outbox import OutboundKind
from kundsvar.core.delivery import DeliveryRow


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Provider(models.TextChoices):
    ELKS = "46elks", "46elks"
    TWILIO = "twilio", "Twilio"


class PhoneSettings(models.Model):
    """How a shop's phone number is connected. The secret (46elks API password, Twilio
    auth token) is stored here and never shown again once saved."""

    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, related_name="phone_settings"
    )
    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices, blank=True)
    account = models.CharField(
        _("API username or Account SID"),
        max_length=100,
        blank=True,
        help_text=_("46elks: the API username (u…). Twilio: the Account SID (AC…)."),
    )
    secret = models.CharField(_("API password or auth token"), max_length=200, blank=True)
    number = models.CharField(
        _("your SMS and phone number"),
        max_length=40,
        blank=True,
        help_text=_("The provider's number customers call and text, e.g. +46766860000."),
    )
    # In every webhook address: says which shop a request is for, and is a secret.
    hook_token = models.CharField(max_length=64, unique=True, default=new_token)
    # 46elks signs nothing: its webhook addresses carry this as a Basic auth password too.
    hook_password = models.CharField(max_length=64, default=new_token)
    agent_numbers = models.CharField(
        _("agents' phones"),
        max_length=500,
        blank=True,
        help_text=_("Incoming calls ring these numbers at once (comma-separated)."),
    )
    sms_enabled = models.BooleanField(_("SMS on"), default=False)
    sms_acknowledge = models.BooleanField(
        _("acknowledge SMS and callback requests by SMS"), default=True
    )
    sms_order_messages = models.BooleanField(
        _("order messages (shipped, delayed) by SMS too"), default=False
    )
    callback_attempts = models.PositiveSmallIntegerField(_("call attempts per callback"), default=3)
    ivr_prompt_url = models.URLField(
        _("46elks: recording that offers a callback"),
        blank=True,
        help_text=_('An audio file saying "Press 1 and we call you back". Twilio speaks it.'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phone settings")
        verbose_name_plural = _("phone settings")

    def __str__(self) -> str:
        return f"{self.shop} {self.provider or '-'}"

    @property
    def connected(self) -> bool:
        return bool(self.provider and self.account and self.secret and self.number)

    @property
    def sends_sms(self) -> bool:
        return self.connected and self.sms_enabled

    def agents(self) -> list[str]:
        return [n.strip() for n in self.agent_numbers.split(",") if n.strip()]


class OutboundSms(DeliveryRow):
    """One SMS to send, a row of the delivery machine (kundsvar.core.delivery). The
    provider's delivery report (46elks whendelivered, Twilio StatusCallback) is kept on
    the row: `report_status` is what the provider last said."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="sms_out"
    )
    case_message = models.ForeignKey(
        "cases.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="sms_out"
    )
    kind = models.CharField(max_length=8, choices=OutboundKind.choices)
    provider = models.CharField(max_length=8, choices=Provider.choices)
    to_number = models.CharField(max_length=20, db_index=True)  # international digits
    body = models.TextField()
    segments = models.PositiveSmallIntegerField(default=1)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    report_status = models.CharField(max_length=16, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], name="sms_due", condition=Q(state="queued"))
        ]

    def __str__(self) -> str:
        return f"SMS {self.kind} to +{self.to_number} ({self.state})"


class Direction(models.TextChoices):
    INBOUND = "in", _("Incoming")
    OUTBOUND = "out", _("Outgoing")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    MISSED = "missed", _("Missed")  # an incoming call nobody answered


class Call(models.Model):
    """A phone call: logged by an agent, or seen by the telephony provider."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    number = models.CharField(_("number"), max_length=20)  # international digits
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(max_length=8, blank=True)  # empty: logged by hand
    provider_call_id = models.CharField(max_length=64, blank=True)
    answered = models.BooleanField(default=False)
    callback_requested = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "provider",
                "provider_call_id",
                condition=~Q(provider_call_id=""),
                name="phone_call_once_per_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction} +{self.number} {self.outcome or '-'}"


class Source(models.TextChoices):
    CONTACT_PAGE = "contact_page", _("Contact page")
    WIDGET = "widget", _("Help widget")
    CHAT = "chat", _("Chat")
    IVR = "ivr", _("Phone menu")
    MISSED_CALL = "missed_call", _("Missed call")
    AGENT = "agent", _("Agent")


class CallbackState(models.TextChoices):
    WAITING = "waiting", _("Waiting for a call")
    DONE = "done", _("Reached")
    GAVE_UP = "gave_up", _("Not reached")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class Callback(models.Model):
    """A customer asked to be called back. It is a case on the channel "phone", so it has
    the promise (sla) and sits in the one queue ordered by it (rules S2, S5)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="callback")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("number"), max_length=20)  # international digits
    source = models.CharField(_("asked for on"), max_length=16, choices=Source.choices)
    state = models.CharField(
        max_length=16, choices=CallbackState.choices, default=CallbackState.WAITING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    requested_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["shop", "number", "state"], name="callback_number")]

    def __str__(self) -> str:
        return f"callback +{self.number} ({self.state})"
