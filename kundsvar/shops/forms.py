import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
