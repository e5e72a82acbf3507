from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils.translation import gettext_lazy as _

from .models import Agent, Membership, Role, Team, TokenScope


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PasswordForm(PasswordChangeForm):
    """Django's, without the autofocus: it is one of three forms on the account page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class ConfirmPasswordForm(forms.Form):
    """Asks for the password again before something that weakens the account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, agent, *args, **kwargs):
        self.agent = agent
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        if not self.agent.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(_("Wrong password."), code="wrong_password")
        return self.cleaned_data["password"]


class NewAgentForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, validators=[Agent.username_validator]
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if Agent.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."), code="taken")
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            someone = Agent(
                **{k: data.get(k, "") for k in ("username", "first_name", "last_name", "email")}
            )
            try:
                validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def agent_values(self) -> dict:
        """Keyword arguments for services.create_agent()."""
        return {k: v for k, v in self.cleaned_data.items() if k != "password_again"}


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Agent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Team
        fields = ["name", "members"]

    def __init__(self, shop, *args, **kwargs):
        self.shop = shop
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Agent.objects.filter(
            pk__in=Membership.objects.filter(shop=shop).values("agent")
        ).order_by("first_name", "username")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Team.objects.filter(shop=self.shop, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("The shop already has a team called that."), code="taken")
        return name

    def validate_unique(self):
        """The shop is not a form field; clean_name() checks the name within it."""


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What uses it, e.g. Shopify.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        initial=90,
        choices=[
            (30, _("in 30 days")),
            (90, _("in 90 days")),
            (365, _("in a year")),
            (0, _("never")),
        ],
    )
