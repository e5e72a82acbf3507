import unicodedata

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def search_key(text: str) -> str:
    """How names are compared in search: case-folded, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())[:200]


class Customer(models.Model):
    """Someone who contacts a shop. Deliberately no personal identity number (rule C3)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The name as search compares it, and from its second word on ("karlsson" for
    # "Anna Karlsson"): the customer search reads them by indexed prefix ranges.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    surname_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name or (self.primary_email or f"#{self.pk}")

    def save(self, *args, **kwargs):
        """The search keys follow the name (derived, never set by hand): a name is
        written in many places (first contact, an order, an agent's edit)."""
        self.set_search_keys()
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "name_key", "surname_key"}
        super().save(*args, **kwargs)

    def set_search_keys(self) -> None:
        """What save() does before storing; a row inserted another way calls it too."""
        self.name_key = search_key(self.name)
        self.surname_key = self.name_key.partition(" ")[2]

    @property
    def first_name(self) -> str:
        """What a greeting calls the customer ("Hej Anna,"): the first word of the name,
        or of what follows the comma in the "Surname, Given name" form many company
        address books send ("Svensson, Anna" is Anna), without the quotes and punctuation
        around it. "" when no word with a letter is left (the greeting is then "Hej,")."""
        surname, comma, given = self.name.partition(",")
        for part in (given, surname) if comma else (surname,):
            for word in part.split():
                word = word.strip("\"'“”‘’«»()[]<>,.;:!?")
                if any(character.isalpha() for character in word):
                    return word
        return ""

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


class CustomerEventKind(models.TextChoices):
    EDITED = "edited", _("Contact details changed")
    MERGED_FROM = "merged_from", _("Another customer merged into this one")
    MERGED_INTO = "merged_into", _("Merged into another customer")


class CustomerEvent(models.Model):
    """The customer's audit trail. `customer_id` is a plain number, not a foreign key: the
    record of a customer merged away (and deleted) stays."""

    customer_id = models.BigIntegerField(db_index=True)
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=CustomerEventKind.choices)
    actor = models.ForeignKey(
        "accounts.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} customer {self.customer_id}"
