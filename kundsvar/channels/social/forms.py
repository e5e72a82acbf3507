from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Connection, WhatsAppTemplate

ACCOUNT_LABELS = {
    "messenger": _("Facebook page id"),
    "instagram": _("Instagram professional account id"),
    "whatsapp": _("WhatsApp phone-number id"),
}


class ConnectionForm(forms.ModelForm):
    """Secrets are write-only: the fields come back empty, and empty keeps what is stored."""

    access_token = forms.CharField(
        label=_("Access token"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    app_secret = forms.CharField(
        label=_("App secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = Connection
        fields = [
            "account_id",
            "access_token",
            "app_secret",
            "verify_token",
            "acknowledge",
            "active",
        ]

    def __init__(self, *args, platform: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_id"].label = ACCOUNT_LABELS[platform]
        new = self.instance.pk is None
        for name in ("access_token", "app_secret"):
            self.fields[name].required = new
            if not new:
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def _post_clean(self):
        pass  # the service validates the model with the secrets it keeps


class TemplateForm(forms.ModelForm):
    class Meta:
        model = WhatsAppTemplate
        fields = ["name", "language", "text", "active"]


class TemplateReplyForm(forms.Form):
    template = forms.ModelChoiceField(queryset=WhatsAppTemplate.objects.none())
    parameters = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, for the template's {{1}}, {{2}} …, in order."),
    )
    then = forms.ChoiceField(
        choices=[("answered", _("Answered")), ("waiting", _("Waiting")), ("closed", _("Closed"))]
    )

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = WhatsAppTemplate.objects.filter(shop=shop, active=True)

    def clean_parameters(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["parameters"].splitlines() if line.strip()
        ]
