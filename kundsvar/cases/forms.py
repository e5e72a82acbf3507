from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Status


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))
    then = forms.ChoiceField(
        label=_("Then"),
        choices=[(Status.ANSWERED, _("Answered")), (Status.WAITING, _("Waiting on customer")),
                 (Status.CLOSED, _("Closed"))],
        initial=Status.ANSWERED,
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
