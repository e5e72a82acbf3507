from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerAccess(models.Model):
    """Who opened which customer's data, and how (GDPR access log, shown to the shop's
    admin on the customer's privacy page and included in the customer's export)."""

    class What(models.TextChoices):
        CASE = "case", _("Opened a case of the customer")
        PRIVACY_PAGE = "page", _("Opened the customer's privacy page")
        EXPORT = "export", _("Exported the customer's data")
        ERASE = "erase", _("Erased the customer's data")

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="accesses"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    what = models.CharField(max_length=8, choices=What.choices)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("customer data access")
        verbose_name_plural = _("customer data accesses")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.agent or '-'} {self.what} customer {self.customer_id}"
        )


class RetentionPolicy(models.Model):
    """How long a shop keeps personal data (GDPR storage limitation). Empty: kept. The
    worker applies it daily (ops.retention); Settings → Data retention shows what the
    next run would remove."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="retention")
    raw_mail_days = models.PositiveIntegerField(
        _("delete raw mail after (days)"),
        null=True,
        blank=True,
        help_text=_("The original mail files; the messages' text stays. E.g. 90."),
    )
    closed_case_months = models.PositiveIntegerField(
        _("anonymise closed cases after (months)"), null=True, blank=True, help_text=_("E.g. 24.")
    )
    chat_months = models.PositiveIntegerField(
        _("delete chat transcripts after (months)"), null=True, blank=True, help_text=_("E.g. 12.")
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"retention for shop {self.shop_id}"
