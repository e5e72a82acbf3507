"""What the agent's screen keeps for an agent: drafts, signatures and saved queue views."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """The composer's text as the agent left it: saved on a debounce while typing,
    restored when the case opens again, deleted when the reply is sent."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="drafts")
    body = models.TextField(blank=True)
    cc = models.CharField(max_length=2000, blank=True)
    bcc = models.CharField(max_length=2000, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint("agent", "case", name="draft_one_per_agent_case")]

    def __str__(self) -> str:
        return f"draft {self.agent_id}/{self.case_id}"


class Signature(models.Model):
    """Appended to an email answer: the agent's own (agent set) and the shop's (agent
    empty), each in one language or in any (language empty)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    text = models.TextField(_("signature"), max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint("shop", "agent", "language", name="signature_one_per_language"),
            models.UniqueConstraint(
                "shop",
                "language",
                condition=models.Q(agent__isnull=True),
                name="signature_shop_one_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.shop_id}/{self.agent_id or '-'}/{self.language or '*'}"


class SavedView(models.Model):
    """An agent's named queue filters, shown in the sidebar with a count."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)  # the queue's GET parameters, urlencoded
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
