from django import forms
from django.utils.translation import gettext_lazy as _

from kundsvar.feedback.models import Score

from .services import MAX_TEXT


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("Add to your question"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something first."))
        return text


class RatingForm(forms.Form):
    answer = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.ChoiceField(choices=Score.choices)
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Set only by the "change your answer?" question: another score needs it (F1).
    change = forms.BooleanField(required=False, widget=forms.HiddenInput)
