from django.contrib import admin

from .models import InboundHook


@admin.register(InboundHook)
class InboundHookAdmin(admin.ModelAdmin):
    list_display = ["received_at", "provider", "kind", "shop", "state", "attempts", "last_error"]
    list_filter = ["provider", "state"]
    readonly_fields = [field.name for field in InboundHook._meta.fields]
