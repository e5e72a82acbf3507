from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Event, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["shop", "url", "events", "active", "secret"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "shop", "active", "events", "created_at"]
    list_filter = ["active", "shop"]
    search_fields = ["url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what was sent, when, and what the receiver answered."""

    list_display = [
        "id",
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    list_select_related = ["endpoint"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        count = services.send_again(queryset)
        self.message_user(request, _("%(n)s deliveries queued.") % {"n": count})
