"""The response-time policy form: durations written the way people say them ("6:00",
"0:30"), checked against rules S1 and S3 by the same clean() the service runs."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kundsvar.cases.models import Channel

from .models import ResponsePolicy

_DURATION = re.compile(r"^\s*(\d{1,4})(?:\s*[:.]\s*([0-5]\d))?\s*$")


class HoursField(forms.CharField):
    """A duration written as hours and minutes ("6:00", "0:30", "48"), kept in minutes."""

    default_error_messages = {"invalid": _("Write hours and minutes, e.g. 6:00 or 0:30.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 6, "placeholder": "6:00"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value // 60}:{value % 60:02d}"
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        match = _DURATION.match(value)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        minutes = int(match[1]) * 60 + int(match[2] or 0)
        if minutes <= 0:
            raise ValidationError(_("Must be more than zero."), code="zero")
        return minutes


# Which policy field each form field carries, for errors raised by ResponsePolicy.clean().
_POLICY_FIELDS = {
    "first_response_minutes": "first_response",
    "follow_up_minutes": "follow_up",
    "ceiling_minutes": "ceiling",
    "override_reason": "override_reason",
    "channel": "channel",
}


class PolicyForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Every channel without its own policy"))] + Channel.choices,
    )
    first_response = HoursField(
        label=_("First answer within (working hours)"),
        help_text=_("Counted in opening hours. Under 2 hours is very good, under 6 acceptable."),
    )
    follow_up = HoursField(
        label=_("Follow-up questions answered within (working hours)"),
        help_text=_("A follow-up gets the fastest lane: no longer than a first answer."),
    )
    ceiling = HoursField(
        label=_("Never later than (hours on the clock)"),
        help_text=_("Caps every promise, nights and weekends included: never more than 24 hours."),
    )
    override_over_48h = forms.BooleanField(
        label=_("Allow promises over 48 hours"),
        required=False,
        help_text=_(
            "Customers who wait more than 48 hours are usually lost. "
            "The service audit flags this override."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for the override"), required=False, max_length=200
    )

    def __init__(self, shop, *args, policy: ResponsePolicy | None = None, **kwargs):
        self.shop, self.policy = shop, policy
        if policy is not None:
            kwargs["initial"] = {
                "channel": policy.channel,
                "first_response": policy.first_response_minutes,
                "follow_up": policy.follow_up_minutes,
                "ceiling": policy.ceiling_minutes,
                "override_over_48h": policy.override_over_48h,
                "override_reason": policy.override_reason,
            }
        super().__init__(*args, **kwargs)
        if policy is None:
            defaults = ResponsePolicy()
            for name in ("first_response", "follow_up", "ceiling"):
                self.fields[name].initial = getattr(defaults, f"{name}_minutes")

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        taken = ResponsePolicy.objects.filter(shop=self.shop, channel=channel)
        if self.policy is not None:
            taken = taken.exclude(pk=self.policy.pk)
        if taken.exists():
            raise ValidationError(
                _("This channel already has a policy; change that one."), code="taken"
            )
        return channel

    def values(self) -> dict:
        """The policy's field values, for services.save_policy()."""
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "first_response_minutes": data["first_response"],
            "follow_up_minutes": data["follow_up"],
            "ceiling_minutes": data["ceiling"],
            "override_over_48h": data["override_over_48h"],
            "override_reason": data["override_reason"].strip(),
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = ResponsePolicy(shop=self.shop, **self.values())
        try:
            candidate.clean()  # rules S1 and S3, the same check services.save_policy() runs
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            for field, errors in error.error_dict.items():
                self.add_error(_POLICY_FIELDS.get(field), errors)
        return data
