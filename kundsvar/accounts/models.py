from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agent(AbstractUser):
    """A person on a shop's customer-service team (or the shop owner)."""

    language = models.CharField(_("language"), max_length=8, default="sv")

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AGENT = "agent", _("Agent")


class Membership(models.Model):
    """Which shops an agent works for, and in what role. No membership, no access."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "shop"], name="membership_agent_shop_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} @ {self.shop} ({self.role})"
