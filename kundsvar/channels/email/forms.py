"""The forms of Settings → Email (connect.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Mailbox, OAuthConnection, OAuthProvider, SignIn, SmtpServer

_SECRET = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})


class _KeepsSecret(forms.ModelForm):
    """The password is never shown again once saved: left empty, the stored one stays."""

    password = forms.CharField(label=_("Password"), required=False, widget=_SECRET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_password = self.instance.password if self.instance.pk else ""
        # Forms posted before OAuth2 came (and scripts) have no sign-in: a password.
        self.fields["sign_in"].required = False
        if self.stored_password:
            self.fields["password"].help_text = _(
                "Saved. It is never shown again; leave empty to keep it, or type a new one."
            )

    def clean_password(self) -> str:
        return self.cleaned_data.get("password") or self.stored_password

    def clean_sign_in(self) -> str:
        return self.cleaned_data.get("sign_in") or SignIn.PASSWORD


class MailboxForm(_KeepsSecret):
    class Meta:
        model = Mailbox
        fields = [
            "name",
            "host",
            "port",
            "use_tls",
            "sign_in",
            "username",
            "password",
            "folder",
            "move_to",
        ]
        help_texts = {
            "sign_in": _(
                "Microsoft 365 and Google Workspace: OAuth2 (connect it on Settings → Email)."
            ),
            "use_tls": _("Port 993: TLS; port 143: STARTTLS. Off only inside your own network."),
            "move_to": _("Optional, e.g. Arkiv/Kundsvar. Mail is never marked read."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sign_in") != SignIn.OAUTH2 and not cleaned.get("password"):
            self.add_error("password", _("The mailbox's password is needed."))
        return cleaned


class SmtpServerForm(_KeepsSecret):
    class Meta:
        model = SmtpServer
        fields = ["host", "port", "security", "sign_in", "username", "password", "enabled"]


class OAuthForm(forms.ModelForm):
    """The app registration. The client secret is never shown again, like a password;
    empty, the installation's secret from the environment is used (if it has one)."""

    client_secret = forms.CharField(label=_("Client secret"), required=False, widget=_SECRET)
    authorize_url = forms.URLField(
        label=_("Authorization endpoint"), required=False, max_length=500, assume_scheme="https"
    )
    token_url = forms.URLField(
        label=_("Token endpoint"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = OAuthConnection
        fields = [
            "provider",
            "tenant",
            "client_id",
            "client_secret",
            "authorize_url",
            "token_url",
            "scope",
        ]
        help_texts = {
            "tenant": _("Microsoft 365: the directory (tenant) id or your domain."),
            "authorize_url": _("Only for “Other”."),
            "token_url": _("Only for “Other”."),
            "scope": _("Empty: the provider's usual scopes for IMAP and SMTP."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_secret = self.instance.client_secret if self.instance.pk else ""
        if self.stored_secret:
            self.fields["client_secret"].help_text = _(
                "Saved. It is never shown again; leave empty to keep it, or type a new one."
            )

    def clean_client_secret(self) -> str:
        return self.cleaned_data.get("client_secret") or self.stored_secret

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("provider") == OAuthProvider.CUSTOM:
            for name in ("authorize_url", "token_url", "scope"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed for “Other”."))
        return cleaned
