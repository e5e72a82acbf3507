"""Automations (rule T3): a shop admin's rules — when something happens to a case (or a
time condition holds), if the case matches, then do something to it. Conditions and
actions are stored as small JSON documents of codes (`conditions.py`, `actions.py` read
them); every firing is a row, so a rule fires once per case and event (loop protection)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    CREATED = "created", _("A case is created")
    UPDATED = "updated", _("A case is updated")
    WAITING = "waiting", _("Waiting on the customer for N days")
    DUE_SOON = "due_soon", _("The promise is due in N minutes and nobody has the case")
    TIME_USED = "time_used", _("N % of the promise's time is used")
    CLOSED_AGO = "closed_ago", _("Closed N days ago")


EVENT_TRIGGERS = (Trigger.CREATED, Trigger.UPDATED)
TIME_TRIGGERS = (Trigger.WAITING, Trigger.DUE_SOON, Trigger.TIME_USED, Trigger.CLOSED_AGO)


class Rule(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("on"), default=True)
    trigger = models.CharField(_("when"), max_length=16, choices=Trigger.choices)
    amount = models.PositiveIntegerField(
        _("N"), default=0, help_text=_("Days, minutes or per cent, as the condition says.")
    )
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=dict, blank=True)
    # Which suggested rule this is ("auto_close", …), so suggesting again adds no copy.
    seed = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["shop", "trigger", "enabled"], name="rule_shop_trigger")]

    def __str__(self) -> str:
        return self.name


class Firing(models.Model):
    """One rule fired on one case for one event: `key` names the event (the case's
    opening, the change that started a chain of updates, the promise, the moment the case
    began waiting or was closed). The unique constraint is the loop protection."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    fired_at = models.DateTimeField()
    done = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "case", "key"], name="firing_once")]
        indexes = [models.Index(fields=["case", "fired_at"], name="firing_case_time")]

    def __str__(self) -> str:
        return f"{self.rule} on #{self.case_id} ({self.key})"
