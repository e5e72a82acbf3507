from django.contrib import admin

from .models import Case, CaseEvent, Message


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["direction", "from_address", "subject", "new_text", "created_at"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["kind", "actor", "data", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the services, which the workspace calls."""

    list_display = ["number", "subject", "shop", "status", "due_at", "sla_state", "assignee"]
    list_filter = ["shop", "status", "channel", "sla_state"]
    search_fields = ["number", "subject", "customer__name"]
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [MessageInline, EventInline]

    def has_add_permission(self, request):
        return False
