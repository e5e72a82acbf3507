from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Rule S1: under 2 h is very good, under 6 h acceptable, never over 24 h, over 48 h lost.
DEFAULT_FIRST_RESPONSE_MINUTES = 6 * 60
DEFAULT_FOLLOW_UP_MINUTES = 2 * 60
DEFAULT_CEILING_MINUTES = 24 * 60
LOST_CUSTOMER_MINUTES = 48 * 60


class ResponsePolicy(models.Model):
    """How fast a shop promises to answer on one channel (blank channel: every channel).

    Targets are in working minutes (the shop's opening hours); the ceiling is in
    calendar minutes and caps any promise (rule S1).
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="policies")
    channel = models.CharField(
        _("channel"),
        max_length=16,
        blank=True,
        help_text=_("Empty: applies to every channel without its own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response (working minutes)"), default=DEFAULT_FIRST_RESPONSE_MINUTES
    )
    follow_up_minutes = models.PositiveIntegerField(
        _("follow-up response (working minutes)"), default=DEFAULT_FOLLOW_UP_MINUTES
    )
    ceiling_minutes = models.PositiveIntegerField(
        _("never later than (calendar minutes)"), default=DEFAULT_CEILING_MINUTES
    )
    override_over_48h = models.BooleanField(
        _("allow promises over 48 hours"),
        default=False,
        help_text=_(
            "Customers who wait more than 48 hours are usually lost (rule S1). "
            "The service audit flags this override."
        ),
    )
    override_reason = models.CharField(_("reason for the override"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response-time policy")
        verbose_name_plural = _("response-time policies")
        constraints = [
            models.UniqueConstraint(fields=["shop", "channel"], name="policy_shop_channel_unique"),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0)
                & models.Q(follow_up_minutes__gt=0)
                & models.Q(ceiling_minutes__gt=0),
                name="policy_positive_targets",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.channel or '*'}"

    def clean(self) -> None:
        longest = max(self.first_response_minutes, self.follow_up_minutes, self.ceiling_minutes)
        if longest > LOST_CUSTOMER_MINUTES and not self.override_over_48h:
            raise ValidationError(
                _(
                    "A promise over 48 hours loses the customer. Tick the override "
                    "and give a reason if you really mean it."
                ),
                code="over_48h",
            )
        if self.override_over_48h and not self.override_reason.strip():
            raise ValidationError(
                {"override_reason": _("Say why the override is needed.")},
                code="override_without_reason",
            )
        if self.follow_up_minutes > self.first_response_minutes:
            raise ValidationError(
                {"follow_up_minutes": _("A follow-up must not wait longer than a first question.")},
                code="follow_up_slower",
            )

    @property
    def flagged_by_audit(self) -> bool:
        return self.override_over_48h


class DelayNotice(models.Model):
    """A promise the forecast shows will be missed (rule A4): the case was escalated, and
    the customer told the new time (`mailed`) when the shop wants that. One row per
    promise, so the customer hears it once, never twice."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="delay_notices")
    due_at = models.DateTimeField(help_text="The promise that will be missed.")
    new_due_at = models.DateTimeField(help_text="The time the customer is told instead.")
    mailed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "due_at"], name="delay_notice_once")]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.due_at:%Y-%m-%d %H:%M} → {self.new_due_at:%Y-%m-%d %H:%M}"
