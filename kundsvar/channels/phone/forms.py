from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Direction, Outcome, PhoneSettings, Provider


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(v, label) for v, label in Outcome.choices if v != Outcome.MISSED],
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND
    )
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    minutes = forms.DecimalField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, decimal_places=1, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NewCallForm(CallForm):
    """A call on no case yet: the customer is found by the number."""

    shop = forms.ModelChoiceField(label=_("Shop"), queryset=None, empty_label=None)
    number = forms.CharField(label=_("Number"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    field_order = ["shop", "number", "name", "direction", "outcome", "minutes", "note"]

    def __init__(self, *args, shops=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops
        self.fields["direction"].initial = "in"


class CallbackRequestForm(forms.Form):
    """The contact page's "ring mig": a number, a name, and what it is about."""

    cb_number = forms.CharField(label=_("Your phone number"), max_length=40)
    cb_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    cb_note = forms.CharField(
        label=_("What is it about? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhoneSettingsForm(forms.ModelForm):
    # Never shown again once saved: left empty, the stored secret stays.
    secret = forms.CharField(
        label=_("API password or auth token"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    provider = forms.ChoiceField(
        label=_("Provider"), choices=[("", "–"), *Provider.choices], required=False
    )
    ivr_prompt_url = forms.URLField(
        label=_("46elks: recording that offers a callback"),
        required=False,
        assume_scheme="https",
        help_text=_('An audio file saying "Press 1 and we call you back". Twilio speaks it.'),
    )

    class Meta:
        model = PhoneSettings
        fields = [
            "provider",
            "account",
            "secret",
            "number",
            "agent_numbers",
            "sms_enabled",
            "sms_acknowledge",
            "sms_order_messages",
            "callback_attempts",
            "ivr_prompt_url",
        ]

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"].strip() or self.instance.secret

    def clean_callback_attempts(self) -> int:
        value = self.cleaned_data["callback_attempts"]
        if not 1 <= value <= 10:
            raise forms.ValidationError(_("Between 1 and 10 attempts."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("provider") and not (data.get("account") and data.get("secret")):
            raise forms.ValidationError(_("Give the account and its secret to connect."))
        if data.get("provider") and not data.get("number", "").startswith("+"):
            self.add_error("number", _("Write the number with its country code: +46…"))
        return data
