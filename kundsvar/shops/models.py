import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Local parts that tell the customer "do not answer" (rule A3).
NO_REPLY_LOCAL_PARTS = {
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "dontreply",
    "ingetsvar",
    "svarainte",
    "mailer-daemon",
}


def validate_reply_address(value: str) -> None:
    """A3: the customer-service sender must be an address a customer can answer."""
    local = value.split("@", 1)[0].lower()
    if local.split("+", 1)[0] in NO_REPLY_LOCAL_PARTS or local.startswith("noreply"):
        raise ValidationError(
            _(
                "%(address)s tells customers not to reply. Use a real customer-service "
                "address such as kundtjanst@."
            ),
            code="no_reply_address",
            params={"address": value},
        )


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone %(tz)s."), params={"tz": value}) from None


class Country(models.TextChoices):
    SE = "SE", _("Sweden")
    NO = "NO", _("Norway")
    DK = "DK", _("Denmark")
    FI = "FI", _("Finland")


class Language(models.TextChoices):
    SV = "sv", _("Swedish")
    NB = "nb", _("Norwegian")
    DA = "da", _("Danish")
    EN = "en", _("English")


class Shop(models.Model):
    """A shop (brand). One installation can serve several."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    email = models.EmailField(_("customer-service address"), validators=[validate_reply_address])
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    phone_is_free = models.BooleanField(_("toll-free number"), default=False)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.SE
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Stockholm", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("default language"), max_length=2, choices=Language.choices, default=Language.SV
    )
    languages = models.JSONField(_("languages answered"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    plus_addressing = models.BooleanField(
        _("per-case reply addresses"),
        default=False,
        help_text=_(
            "Replies go to kundtjanst+10234@… Only if your mail server delivers "
            "plus addresses to the customer-service mailbox."
        ),
    )
    inbound_secret = models.CharField(
        _("secret for the HTTP mail endpoint"),
        max_length=64,
        blank=True,
        help_text=_("Mail relays POST raw messages with this as a Bearer token. Empty: off."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One open period on a weekday. Several rows on one day give split hours."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_opens_before_closes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class SpecialDay(models.Model):
    """A date that differs from the week: closed (stocktaking) or open (a holiday sale)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="special_days")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "date"], name="special_day_shop_date_unique"),
            models.CheckConstraint(
                condition=models.Q(closed=True)
                | models.Q(opens__isnull=False, closes__isnull=False, opens__lt=models.F("closes")),
                name="special_day_open_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'closed' if self.closed else f'{self.opens}–{self.closes}'}"
