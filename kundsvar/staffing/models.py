"""Who works when: each agent's weekly shifts and the exceptions to them (rules A4, T1, S5).

The promise forecast (`sla.forecast`) reads these to know how many agents will be on
each channel in the coming hours; the staffing page compares them with the need.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundsvar.shops.models import Weekday


class Shift(models.Model):
    """One block of an agent's weekly pattern, in the shop's local time. `channels` and
    `languages` empty: every channel, every language."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="shifts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))
    channels = models.JSONField(_("channels"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        ordering = ["agent_id", "weekday", "start"]
        indexes = [models.Index(fields=["shop"], name="shift_shop")]

    def __str__(self) -> str:
        return f"{self.agent} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError(_("A shift ends after it starts (split a night shift in two)."))


class ShiftException(models.Model):
    """One date on which an agent's weekly pattern does not hold: a day off (no times) or
    other hours (from–to replace that day's pattern)."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="shift_exceptions"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_exceptions"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["date", "agent_id"]
        indexes = [models.Index(fields=["shop", "date"], name="shift_exception_shop_date")]

    def __str__(self) -> str:
        return f"{self.agent} {self.date}"

    def clean(self):
        if (self.start is None) != (self.end is None):
            raise ValidationError(_("Give both times, or neither for a day off."))
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError(_("A shift ends after it starts (split a night shift in two)."))

    @property
    def day_off(self) -> bool:
        return self.start is None


class StaffingSettings(models.Model):
    """The shop's staffing targets and promise options (one row per shop, made on demand)."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="staffing")
    delay_notice = models.BooleanField(
        _("tell the customer before a promise is missed"),
        default=True,
        help_text=_(
            "When the queue shows that a promise cannot be kept, the customer gets one "
            "honest email with a new time, before the promised time passes."
        ),
    )
    chat_answer_seconds = models.PositiveIntegerField(
        _("chat: answered within (seconds)"), default=60
    )
    chat_share = models.PositiveSmallIntegerField(_("chat: share answered in time (%)"), default=80)
    phone_answer_seconds = models.PositiveIntegerField(
        _("phone: answered within (seconds)"), default=20
    )
    phone_share = models.PositiveSmallIntegerField(
        _("phone: share answered in time (%)"), default=80
    )
    black_friday_factor = models.DecimalField(
        _("Black Friday factor"), max_digits=4, decimal_places=2, default=3
    )
    christmas_factor = models.DecimalField(
        _("Christmas factor"), max_digits=4, decimal_places=2, default="1.5"
    )
    mellandagsrea_factor = models.DecimalField(
        _("mellandagsrea factor"), max_digits=4, decimal_places=2, default="1.8"
    )

    class Meta:
        verbose_name = _("staffing settings")

    def __str__(self) -> str:
        return f"{self.shop} staffing"
