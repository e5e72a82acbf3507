"""Customers' orders, parcels, returns and refunds (rules C4, O1–O8).

Orders come from connectors (Shopify, WooCommerce, a CSV/JSON import) and are mirrored
here so that a case can show them without calling the platform. Money is kept in minor
units (öre, øre, cent) with its currency; VAT is kept beside each amount, never folded in.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    IMPORT = "import", _("Import")


class CommerceSettings(models.Model):
    """A shop's commerce switches and texts (one row per shop, made on first use)."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="commerce")
    shopify_secret = models.CharField(
        _("Shopify webhook secret"),
        max_length=200,
        blank=True,
        help_text=_("Verifies X-Shopify-Hmac-Sha256. Empty: Shopify webhooks are refused."),
    )
    woocommerce_secret = models.CharField(
        _("WooCommerce webhook secret"),
        max_length=200,
        blank=True,
        help_text=_("Verifies X-WC-Webhook-Signature. Empty: WooCommerce webhooks are refused."),
    )
    return_days = models.PositiveSmallIntegerField(_("days to return"), default=30)
    return_shipping_fee_minor = models.PositiveIntegerField(
        _("return shipping fee (minor units)"),
        default=0,
        help_text=_("Deducted from a refund when the customer returns by choice. 0: free."),
    )
    return_policy = models.TextField(
        _("return policy"),
        blank=True,
        help_text=_("In plain words, shown on the order page and in refund messages (rule O7)."),
    )
    # Proactive messages (rules O1, O4, O6, O8), each switchable.
    notify_confirmed = models.BooleanField(_("order confirmed"), default=True)
    notify_waiting = models.BooleanField(_("waiting for goods"), default=True)
    notify_shipped = models.BooleanField(_("shipped"), default=True)
    notify_delayed = models.BooleanField(_("delayed"), default=True)
    notify_delivered = models.BooleanField(_("delivered"), default=True)
    notify_return_received = models.BooleanField(_("return received"), default=True)
    notify_refund_paid = models.BooleanField(_("refund paid"), default=True)
    notify_check_in = models.BooleanField(_("check-in after delivery"), default=True)
    check_in_days = models.PositiveSmallIntegerField(_("check-in, days after delivery"), default=5)
    # O3: "2–14 dagar" is flagged, "12–14 dagar" is fine.
    wide_range_days = models.PositiveSmallIntegerField(
        _("flag delivery ranges wider than (days)"), default=3
    )

    def __str__(self) -> str:
        return f"commerce settings for {self.shop_id}"

    @classmethod
    def for_shop(cls, shop) -> "CommerceSettings":
        return cls.objects.get_or_create(shop=shop)[0]


class Carrier(models.Model):
    """A carrier the admin can edit. Seeded from `carriers.py`; `verified` is False for
    entries we could not confirm from a source (rule O4)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    tracking_url = models.CharField(
        _("tracking URL"),
        max_length=300,
        blank=True,
        help_text=_("With {number} where the tracking number goes."),
    )
    phone = models.CharField(_("customer-service phone"), max_length=40, blank=True)
    phone_hours = models.CharField(_("phone hours"), max_length=120, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShippingMethod(models.Model):
    """How a shop ships: transit time in working days and the Christmas cut-off (O3, O5)."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="shipping_methods"
    )
    code = models.CharField(
        _("code"), max_length=120, help_text=_("The name or id the shop platform sends.")
    )
    name = models.CharField(_("name"), max_length=120)
    carrier = models.CharField(_("carrier code"), max_length=40, blank=True)
    transit_min_days = models.PositiveSmallIntegerField(
        _("transit, fewest working days"), default=1
    )
    transit_max_days = models.PositiveSmallIntegerField(_("transit, most working days"), default=3)
    christmas_last_order = models.DateField(
        _("last order date for Christmas"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "code"], name="shipping_method_code"),
            models.CheckConstraint(
                condition=Q(transit_min_days__lte=F("transit_max_days")),
                name="shipping_method_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("Waiting for goods")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")
    REFUNDED = "refunded", _("Refunded")


class Order(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=64, help_text="The platform's id for the order.")
    number = models.CharField(
        _("order number"), max_length=64, help_text="As the customer sees it, without '#'."
    )
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=16,
        blank=True,
        help_text="Delivery address postcode, digits only.",
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    placed_at = models.DateTimeField(_("placed"))
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    financial_status = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, default="SEK")
    subtotal_minor = models.BigIntegerField(default=0)
    shipping_minor = models.BigIntegerField(default=0)
    discount_minor = models.BigIntegerField(default=0)
    tax_minor = models.BigIntegerField(default=0, help_text="VAT included in the total.")
    total_minor = models.BigIntegerField(default=0)
    payment_method = models.CharField(_("payment method"), max_length=120, blank=True)
    shipping_method = models.CharField(_("shipping method"), max_length=120, blank=True)
    shipping = models.ForeignKey(
        ShippingMethod, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    # The delivery window promised to the customer (O3), in the shop's calendar.
    expected_from = models.DateField(null=True, blank=True)
    expected_to = models.DateField(null=True, blank=True)
    # The platform's own updated_at: an older webhook never overwrites a newer one.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "platform", "external_id"], name="order_platform_id"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "number"], name="order_number"),
            models.Index(fields=["shop", "email"], name="order_email"),
            models.Index(fields=["shop", "postcode"], name="order_postcode"),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class LineStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    WAITING = "waiting", _("Waiting for goods")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    external_id = models.CharField(max_length=64, blank=True)
    sku = models.CharField(_("SKU"), max_length=120, blank=True)
    name = models.CharField(_("product"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price_minor = models.BigIntegerField(default=0, help_text="Including VAT.")
    total_minor = models.BigIntegerField(default=0, help_text="Including VAT, after discounts.")
    tax_minor = models.BigIntegerField(default=0)
    vat_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent, e.g. 25.00."
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LineStatus.choices, default=LineStatus.IN_STOCK
    )
    # Waiting for goods: when the supplier delivers (O1, O3).
    expected_at = models.DateField(_("expected in stock"), null=True, blank=True)
    supplier_lead_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("On its way")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")


class Shipment(models.Model):
    """One parcel (kolli), with its carrier and tracking number (O4)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    external_id = models.CharField(max_length=64, blank=True)
    carrier = models.CharField(_("carrier code"), max_length=40, blank=True)
    carrier_name = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(
        _("tracking number"), max_length=64, blank=True, db_index=True
    )
    tracking_url = models.URLField(
        max_length=500, blank=True, help_text="As the platform sent it; else from the carrier."
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.IN_TRANSIT,
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    expected_from = models.DateField(null=True, blank=True)
    expected_to = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # Claimed with a conditional update so the delayed message goes out once (O1).
    delay_notified_at = models.DateTimeField(null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]
        indexes = [
            # The delayed-parcel sweep: undelivered parcels whose window has passed.
            models.Index(
                fields=["expected_to"],
                name="shipment_overdue",
                condition=Q(delivered_at__isnull=True, delay_notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_name or self.carrier} {self.tracking_number}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    happened_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    description = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["happened_at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.happened_at:%Y-%m-%d %H:%M}"


class Return(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    external_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"return {self.pk} of order {self.order_id}"


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="return_lines")
    quantity = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"


class Refund(models.Model):
    """Money sent back (O6). refunded = paid − deductions, never below zero."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    external_id = models.CharField(max_length=64, blank=True)
    currency = models.CharField(max_length=3, default="SEK")
    paid_minor = models.BigIntegerField(default=0, help_text="What the refunded items cost.")
    deducted_minor = models.BigIntegerField(default=0)
    refunded_minor = models.BigIntegerField(default=0)
    method = models.CharField(_("method"), max_length=120, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    refunded_minor__gte=0,
                    deducted_minor__gte=0,
                    refunded_minor=F("paid_minor") - F("deducted_minor"),
                ),
                name="refund_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.refunded_minor} {self.currency}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(
        OrderLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="refund_lines"
    )
    description = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField(default=1)
    amount_minor = models.BigIntegerField(default=0)
    tax_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class DeductionReason(models.TextChoices):
    RETURN_SHIPPING = "return_shipping", _("Return shipping")
    RESTOCKING = "restocking", _("Restocking fee")
    DAMAGE = "damage", _("Damaged or used item")
    SHIPPING_NOT_REFUNDED = "shipping", _("Original shipping")
    OTHER = "other", _("Other")


class RefundDeduction(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="deductions")
    reason = models.CharField(max_length=20, choices=DeductionReason.choices)
    label = models.CharField(max_length=200, blank=True)
    amount_minor = models.BigIntegerField()
    policy_text = models.TextField(help_text="The policy line that justifies it (rule O6).")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="deduction_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.amount_minor}"


class MessageKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Order confirmed")
    WAITING = "waiting", _("Waiting for goods")
    SHIPPED = "shipped", _("Shipped")
    DELAYED = "delayed", _("Delayed")
    DELIVERED = "delivered", _("Delivered")
    RETURN_RECEIVED = "return_received", _("Return received")
    REFUND_PAID = "refund_paid", _("Refund paid")
    CHECK_IN = "check_in", _("Check-in after delivery")


class OrderMessage(models.Model):
    """A proactive message sent (or due) about an order, on the customer's timeline.
    `key` makes each one go out once: "shipped:<shipment id>", "refund_paid:<refund id>"."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    key = models.CharField(max_length=80)
    language = models.CharField(max_length=2)
    to_address = models.CharField(max_length=320)
    subject = models.CharField(max_length=998)
    outbound = models.ForeignKey(
        "mail.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "key"], name="order_message_once")]

    def __str__(self) -> str:
        return f"{self.kind} for order {self.order_id}"


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class CaseOrder(models.Model):
    """A case's link to an order (rule C4): found by matching, with the reasons and a
    confidence 0–100, or set by an agent. Only a certain link is ever shown to the customer."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="order_links")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="case_links")
    state = models.CharField(
        max_length=10, choices=MatchState.choices, default=MatchState.SUGGESTED
    )
    confidence = models.PositiveSmallIntegerField(default=0)
    certain = models.BooleanField(
        default=False,
        help_text=(
            "Proven to belong to this customer (number and address agree, or an agent confirmed)."
        ),
    )
    reasons = models.JSONField(default=list, help_text="Codes, translated at render time.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order"], name="case_order_once"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="confirmed"), name="case_one_confirmed_order"
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} → order {self.order_id} ({self.state})"


class WebhookReceipt(models.Model):
    """Every platform webhook, stored raw before anything else; the webhook id makes
    a redelivery a no-op."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    webhook_id = models.CharField(max_length=120)
    topic = models.CharField(max_length=80)
    body = models.BinaryField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "platform", "webhook_id"], name="webhook_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.topic} {self.webhook_id}"
