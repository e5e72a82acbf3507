"""The chat's settings page for a shop's admins: on or off, when a wait is long (the
customer is then offered a message or a callback, rule S5), chats per agent."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kundsvar.accounts.security import shop_admin_required

from . import services, wait
from .models import ChatSettings


class ChatSettingsForm(forms.ModelForm):
    class Meta:
        model = ChatSettings
        fields = ["enabled", "long_wait_minutes", "chats_per_agent"]
        widgets = {
            "long_wait_minutes": forms.NumberInput(attrs={"min": 1, "max": 120}),
            "chats_per_agent": forms.NumberInput(attrs={"min": 1, "max": 10}),
        }

    def clean_long_wait_minutes(self):
        value = self.cleaned_data["long_wait_minutes"]
        if not 1 <= value <= 120:
            raise forms.ValidationError(_("Between 1 and 120 minutes."))
        return value

    def clean_chats_per_agent(self):
        value = self.cleaned_data["chats_per_agent"]
        if not 1 <= value <= 10:
            raise forms.ValidationError(_("Between 1 and 10 chats."))
        return value


@shop_admin_required
def chat_settings(request, shop):
    current = wait.settings_for(shop)
    form = ChatSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_settings(shop, **form.cleaned_data)
        messages.success(request, _("Chat settings saved."))
        return redirect("settings:chat", shop.slug)
    page_url = request.build_absolute_uri(reverse("chat:page", args=[shop.slug]))
    return render(
        request,
        "chat/settings.html",
        {"shop": shop, "form": form, "section": "chat", "page_url": page_url},
        status=400 if request.method == "POST" else 200,
    )
