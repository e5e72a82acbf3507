"""Live chat: a chat is a case (channel "chat") from its first line; this app keeps what
only a live conversation has: its state in the queue, who has it, the wait the customer
was shown, and the agents' availability."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChatSettings(models.Model):
    """A shop's chat: on or off, and when a wait is long enough to offer the customer a
    message or a callback instead (rule S5)."""

    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, primary_key=True, related_name="chat_settings"
    )
    enabled = models.BooleanField(_("chat is on"), default=True)
    long_wait_minutes = models.PositiveSmallIntegerField(
        _("a long wait, in minutes"),
        default=5,
        help_text=_(
            "From this expected wait on, the customer is offered to leave a message or be "
            "called back instead of waiting."
        ),
    )
    chats_per_agent = models.PositiveSmallIntegerField(
        _("chats at once per agent"),
        default=3,
        help_text=_(
            "How many chats one agent handles at the same time (the wait is computed from it)."
        ),
    )

    def __str__(self) -> str:
        return f"chat settings of {self.shop}"


class Availability(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class AgentStatus(models.Model):
    """Whether an agent takes chats. Online counts only while their chat inbox is open
    (it reports every 30 s, `seen_at`): a closed laptop is not an agent online."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="chat_status",
    )
    availability = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.OFFLINE
    )
    changed_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.agent}: {self.availability}"


class ChatState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("In conversation")
    ENDED = "ended", _("Ended")
    LEFT = "left", _("Left a message")


LIVE_STATES = (ChatState.WAITING, ChatState.ACTIVE)


class Chat(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="chat")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="chats")
    state = models.CharField(max_length=8, choices=ChatState.choices, default=ChatState.WAITING)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats",
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=2, default="sv")
    started_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=8, blank=True)  # customer, agent
    # What the customer was shown when the chat started (rule S5), to measure it by.
    shown_position = models.PositiveIntegerField(null=True, blank=True)
    shown_wait_seconds = models.FloatField(null=True, blank=True)
    # The places then (agents online × chats each) and how many were free: what tells a
    # chat taken at once from one that queued, for the next estimates (wait.py).
    shown_places = models.PositiveIntegerField(null=True, blank=True)
    shown_free = models.PositiveIntegerField(null=True, blank=True)
    customer_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["shop", "started_at"],
                name="chat_waiting",
                condition=Q(state="waiting"),
            ),
            models.Index(fields=["shop", "state", "ended_at"], name="chat_shop_state_ended"),
        ]

    def __str__(self) -> str:
        return f"chat on #{self.case_id} ({self.state})"

    @property
    def stream(self) -> str:
        """The customer's live stream."""
        return f"chat.{self.pk}"


def shop_stream(shop_id: int) -> str:
    """The agents' live stream of a shop: every chat's news."""
    return f"shop.{shop_id}.chat"
