"""Django admin for commerce. Carriers are edited here (rule O4: tracking URL, phone and
hours per carrier, ``verified`` once checked). Everything else is read-mostly: orders come
from the connectors and change through ``commerce.services``, so the admin shows them
for support and debugging but adds or edits nothing."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import carriers
from .models import (
    Carrier,
    CaseOrder,
    Order,
    OrderLine,
    OrderMessage,
    Refund,
    RefundDeduction,
    RefundLine,
    Shipment,
    ShipmentEvent,
    ShippingMethod,
    WebhookReceipt,
)


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "verified", "phone", "phone_hours", "tracking_url"]
    list_filter = ["verified"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    readonly_fields = ["example_link"]
    fields = [
        "code",
        "name",
        "tracking_url",
        "example_link",
        "phone",
        "phone_hours",
        "countries",
        "verified",
        "source",
    ]

    @admin.display(description=_("example link"))
    def example_link(self, obj):
        if not obj.pk:
            return "—"
        return carriers.tracking_link(obj.code, "RR123456785SE") or "—"


class ReadMostlyAdmin(admin.ModelAdmin):
    """Shows every field read-only; rows are written by the commerce services."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "name", "quantity", "unit_price_minor", "total_minor", "status", "expected_at"]
    show_change_link = False


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = [
        "carrier",
        "carrier_name",
        "tracking_number",
        "status",
        "shipped_at",
        "expected_to",
        "delivered_at",
    ]


@admin.register(Order)
class OrderAdmin(ReadMostlyAdmin):
    list_display = [
        "number",
        "shop",
        "name",
        "email",
        "status",
        "total_minor",
        "currency",
        "placed_at",
    ]
    list_filter = ["status", "platform", "shop"]
    search_fields = ["number", "email", "name", "postcode"]
    list_select_related = ["shop"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, ShipmentInline]


class ShipmentEventInline(ReadOnlyInline):
    model = ShipmentEvent
    fields = ["happened_at", "status", "description", "location"]
    show_change_link = False


@admin.register(Shipment)
class ShipmentAdmin(ReadMostlyAdmin):
    list_display = [
        "tracking_number",
        "carrier",
        "order",
        "status",
        "shipped_at",
        "expected_to",
        "delivered_at",
        "tracking_page",
    ]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "order__number"]
    list_select_related = ["order"]
    inlines = [ShipmentEventInline]

    @admin.display(description=_("tracking page"))
    def tracking_page(self, obj):
        return obj.tracking_url or carriers.tracking_link(obj.carrier, obj.tracking_number)


class RefundLineInline(ReadOnlyInline):
    model = RefundLine
    fields = ["description", "quantity", "amount_minor", "tax_minor"]
    show_change_link = False


class RefundDeductionInline(ReadOnlyInline):
    model = RefundDeduction
    fields = ["reason", "label", "amount_minor", "policy_text"]
    show_change_link = False


@admin.register(Refund)
class RefundAdmin(ReadMostlyAdmin):
    list_display = [
        "id",
        "order",
        "paid_minor",
        "deducted_minor",
        "refunded_minor",
        "currency",
        "created_at",
        "paid_at",
    ]
    search_fields = ["order__number", "external_id"]
    list_select_related = ["order"]
    inlines = [RefundLineInline, RefundDeductionInline]


@admin.register(ShippingMethod)
class ShippingMethodAdmin(ReadMostlyAdmin):
    list_display = [
        "name",
        "shop",
        "code",
        "carrier",
        "transit_min_days",
        "transit_max_days",
        "christmas_last_order",
        "active",
    ]
    list_filter = ["active", "shop"]
    search_fields = ["name", "code"]
    list_select_related = ["shop"]


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(ReadMostlyAdmin):
    list_display = [
        "webhook_id",
        "shop",
        "platform",
        "topic",
        "received_at",
        "processed_at",
        "has_error",
    ]
    list_filter = ["platform", "topic"]
    search_fields = ["webhook_id", "topic"]
    list_select_related = ["shop"]
    exclude = ["body"]

    def get_readonly_fields(self, request, obj=None):
        return [
            *(f for f in super().get_readonly_fields(request, obj) if f != "body"),
            "body_preview",
        ]

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj):
        return bool(obj.error)

    @admin.display(description=_("body (first 5,000 characters)"))
    def body_preview(self, obj):
        return bytes(obj.body or b"")[:5000].decode("utf-8", errors="replace")


@admin.register(CaseOrder)
class CaseOrderAdmin(ReadMostlyAdmin):
    list_display = ["case", "order", "state", "confidence", "certain", "created_at", "decided_at"]
    list_filter = ["state", "certain"]
    search_fields = ["order__number", "case__number"]
    list_select_related = ["case", "order"]


@admin.register(OrderMessage)
class OrderMessageAdmin(ReadMostlyAdmin):
    list_display = ["order", "kind", "key", "language", "to_address", "created_at"]
    list_filter = ["kind", "language"]
    search_fields = ["order__number", "to_address", "key"]
    list_select_related = ["order"]
