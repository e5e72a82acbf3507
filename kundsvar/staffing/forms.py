"""The shift schedule's forms: a weekly shift, a dated exception, the staffing settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kundsvar.accounts.models import Agent
from kundsvar.cases.models import Channel
from kundsvar.core.language import CUSTOMER_LANGUAGES

from .models import Shift, ShiftException, StaffingSettings

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _agents(shop):
    return Agent.objects.filter(memberships__shop=shop).order_by("first_name", "username")


class ShiftForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[(code, code) for code in CUSTOMER_LANGUAGES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every language."),
    )

    class Meta:
        model = Shift
        fields = ["agent", "weekday", "start", "end", "channels", "languages"]
        widgets = {"start": TIME, "end": TIME}

    def __init__(self, shop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.shop = shop
        self.fields["agent"].queryset = _agents(shop)


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = ShiftException
        fields = ["agent", "date", "start", "end", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "start": TIME, "end": TIME}
        help_texts = {"start": _("Leave both times empty for a day off.")}

    def __init__(self, shop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.shop = shop
        self.fields["agent"].queryset = _agents(shop)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = StaffingSettings
        fields = [
            "delay_notice",
            "chat_answer_seconds",
            "chat_share",
            "phone_answer_seconds",
            "phone_share",
            "black_friday_factor",
            "christmas_factor",
            "mellandagsrea_factor",
        ]
