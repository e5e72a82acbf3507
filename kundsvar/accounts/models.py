import hashlib
import secrets

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


class Team(models.Model):
    """A group of agents in one shop (e.g. "Returer", "Norge") that cases can be given to."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=80)
    members = models.ManyToManyField(Agent, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="team_unique")]

    def __str__(self) -> str:
        return self.name


TOKEN_PREFIX = "ks_"  # noqa: S105 (a prefix, not a secret)


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once. A read
    token may only GET; an expired or revoked token is refused."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Tokens made before scopes existed could write: they keep that.
    scope = models.CharField(
        _("scope"), max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(
        cls, agent: Agent, name: str, *, scope: str = TokenScope.WRITE, expires_at=None
    ) -> tuple["ApiToken", str]:
        """A new token for `agent`; returns the row and the token, which is not stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            agent=agent,
            name=name,
            key_hash=cls.hash(token),
            prefix=token[:10],
            scope=scope,
            expires_at=expires_at,
        )
        return row, token
