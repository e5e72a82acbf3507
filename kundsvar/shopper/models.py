"""A shopper the shop's own site has logged in, recognised by a signature the site makes
with a secret only it and we know (rules C2, C4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentitySettings(models.Model):
    """Per shop: the identity secret the shop's site signs its logged-in shoppers with."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="identity")
    secret = models.CharField(max_length=64)
    enabled = models.BooleanField(_("recognise logged-in shoppers"), default=True)
    latest_order_line = models.BooleanField(
        _("show the latest order's status on every page"),
        default=False,
        help_text=_("A one-line status above the help button for a logged-in shopper."),
    )
    rotated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"identity settings for shop {self.shop_id}"


class VerifiedMessage(models.Model):
    """A message sent by a shopper the shop's login vouched for: shown so to the agent."""

    message = models.OneToOneField(
        "cases.Message", on_delete=models.CASCADE, related_name="verified_by_shop"
    )
    external_id = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"message {self.message_id} verified by the shop's login"


class OrderStatusView(models.Model):
    """A logged-in shopper saw their orders' status in the widget (rule K3: did they
    contact us afterwards?)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    viewed_at = models.DateTimeField()
    contacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["shop", "email", "-viewed_at"], name="order_view_recent")]

    def __str__(self) -> str:
        return f"{self.email} saw their orders {self.viewed_at:%Y-%m-%d %H:%M}"
