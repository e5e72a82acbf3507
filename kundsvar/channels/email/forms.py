"""The forms of Settings → Email (connect.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Mailbox, SmtpServer

_SECRET = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})


class _KeepsSecret(forms.ModelForm):
    """The password is never shown again once saved: left empty, the stored one stays."""

    password = forms.CharField(label=_("Password"), required=False, widget=_SECRET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_password = self.instance.password if self.instance.pk else ""
        if self.stored_password:
            self.fields["password"].help_text = _(
                "Saved. It is never shown again; leave empty to keep it, or type a new one."
            )

    def clean_password(self) -> str:
        return self.cleaned_data.get("password") or self.stored_password


class MailboxForm(_KeepsSecret):
    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "use_tls", "username", "password", "folder", "move_to"]
        help_texts = {
            "use_tls": _("Port 993: TLS; port 143: STARTTLS. Off only inside your own network."),
            "move_to": _("Optional, e.g. Arkiv/Kundsvar. Mail is never marked read."),
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("password"):
            self.add_error("password", _("The mailbox's password is needed."))
        return cleaned


class SmtpServerForm(_KeepsSecret):
    class Meta:
        model = SmtpServer
        fields = ["host", "port", "security", "username", "password", "enabled"]
