from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """Someone who contacts a shop. Deliberately no personal identity number (rule C3)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name or (self.primary_email or f"#{self.pk}")

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    @property
    def primary_email(self) -> str:
        addresses = list(self.emails.all())
        return addresses[0].address if addresses else ""


class CustomerEmail(models.Model):
    """Customers write from several addresses; each belongs to one customer per shop."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(_("email address"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(Lower("address"), "shop", name="customer_email_unique_per_shop")
        ]

    def __str__(self) -> str:
        return self.address


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number"), max_length=40)
    normalized = models.CharField(max_length=20, db_index=True)

    def __str__(self) -> str:
        return self.number


class HandleKind(models.TextChoices):
    MESSENGER = "messenger", _("Messenger")  # page-scoped id (PSID)
    INSTAGRAM = "instagram", _("Instagram")  # Instagram-scoped id (IGSID)
    WHATSAPP = "whatsapp", _("WhatsApp")  # wa_id, the number in international digits


class CustomerHandle(models.Model):
    """Who the customer is on a messaging platform: the id the platform gives us for them.
    Like an address, each belongs to one customer per shop (rule C5: one history)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="handles")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=HandleKind.choices)
    value = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)  # as the platform shows them
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("shop", "kind", "value", name="customer_handle_unique_per_shop")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
