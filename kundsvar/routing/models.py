"""Routing (rule T2): who may take which case. Agents' skills (topics), languages and
capacity per shop; teams' queues by topic and language; the shop's switches for
automatic assignment and for escalating a case its assignee leaves unanswered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingSettings(models.Model):
    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="routing")
    auto_assign = models.BooleanField(
        _("assign new cases automatically"),
        default=False,
        help_text=_(
            "To the available agent with the right skills and language and the fewest open "
            "cases (in turn among equals); never to someone offline or on leave."
        ),
    )
    escalate_minutes = models.PositiveIntegerField(
        _("escalate unanswered cases (minutes before the promise)"),
        default=30,
        help_text=_(
            "A case its assignee has not answered this close to its promise goes back to the "
            "team's queue (0: never)."
        ),
    )

    def __str__(self) -> str:
        return f"routing of {self.shop}"


class AgentProfile(models.Model):
    """What one agent takes in one shop. No topics: every topic; no languages: every
    language. Topics and languages are lists of ids and codes, like a shift's channels."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_profiles"
    )
    topics = models.JSONField(_("topics handled"), default=list, blank=True)  # topic ids
    languages = models.JSONField(_("languages"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("open cases at once"), default=15, help_text=_("Automatic assignment stops here.")
    )
    chat_capacity = models.PositiveSmallIntegerField(_("chats at once"), default=3)
    # Round robin among equals: the one who got a case longest ago is next.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "agent"], name="routing_profile_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} @ {self.shop_id}"


class TeamQueue(models.Model):
    """Which new cases go to a team: its topics and languages (empty: any)."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="queue")
    topics = models.JSONField(_("topics handled"), default=list, blank=True)  # topic ids
    languages = models.JSONField(_("languages"), default=list, blank=True)

    def __str__(self) -> str:
        return f"queue of {self.team}"


class Escalation(models.Model):
    """A case handed back to its team because its assignee left it unanswered near its
    promise; once per promise."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "due_at"], name="escalation_once")]

    def __str__(self) -> str:
        return f"#{self.case_id} escalated"
