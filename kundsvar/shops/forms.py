import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kundsvar.cases.models import Channel
from kundsvar.sla.models import ResponsePolicy

from .models import Language, Shop, Weekday
from .services import PROFILE_FIELDS

_TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class ShopProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages answered"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Besides the default language. Cases in other languages are still "
            "answered, just not promised in them."
        ),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[])
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Shop
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
        self.fields["email"].help_text = _(
            "Acknowledgements and replies come from here, and customers answer to it. "
            "Never a noreply@ address."
        )


class PeriodForm(forms.Form):
    """One open period on a weekday; several on one day give split hours. A row left
    blank (or emptied) is no period."""

    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens = forms.TimeField(label=_("Opens"), widget=_TIME, required=False)
    closes = forms.TimeField(
        label=_("Closes"),
        widget=_TIME,
        required=False,
        help_text=_("23:59 means open until midnight."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        filled = [data.get(f) is not None for f in ("weekday", "opens", "closes")]
        if any(filled) and not all(filled):
            raise ValidationError(
                _("Give the weekday and both times, or leave the row empty."), code="incomplete"
            )
        if all(filled) and data["opens"] >= data["closes"]:
            raise ValidationError(_("A period must close after it opens."), code="backwards")
        return data


class BasePeriodFormSet(forms.BaseFormSet):
    def periods(self) -> list[tuple]:
        """(weekday, opens, closes) of every filled-in row not marked for removal."""
        return [
            (f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"])
            for f in self.forms
            if f.cleaned_data.get("weekday") is not None and not f.cleaned_data.get("DELETE")
        ]

    def clean(self):
        if any(self.errors):
            return
        by_day: dict[int, list] = {}
        for weekday, opens, closes in self.periods():
            by_day.setdefault(weekday, []).append((opens, closes))
        for weekday, periods in by_day.items():
            periods.sort()
            for (_o1, c1), (o2, _c2) in zip(periods, periods[1:], strict=False):
                if o2 < c1:
                    raise ValidationError(
                        _("Two periods on %(day)s overlap.") % {"day": Weekday(weekday).label},
                        code="overlap",
                    )


PeriodFormSet = forms.formset_factory(
    PeriodForm, formset=BasePeriodFormSet, extra=3, can_delete=True
)


class SpecialDayForm(forms.Form):
    """A date that differs from the week: closed (stocktaking) or open (julafton hours)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    opens = forms.TimeField(label=_("Opens"), required=False, widget=_TIME)
    closes = forms.TimeField(label=_("Closes"), required=False, widget=_TIME)
    note = forms.CharField(label=_("Note"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("closed") and not self.errors:
            opens, closes = data.get("opens"), data.get("closes")
            if not (opens and closes):
                raise ValidationError(_("Give the hours, or tick closed all day."), code="no_hours")
            if opens >= closes:
                raise ValidationError(_("The day must close after it opens."), code="backwards")
        return data


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
