from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kundsvar.accounts.models import Agent
from kundsvar.cases.models import Channel, SavedReply, Status
from kundsvar.shops.models import Language

from . import compose, saved_replies


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 8, "aria-label": _("Reply")})
    )
    then = forms.ChoiceField(
        label=_("Then"),
        choices=[
            (Status.ANSWERED, _("Answered")),
            (Status.WAITING, _("Waiting on customer")),
            (Status.CLOSED, _("Closed")),
        ],
        initial=Status.ANSWERED,
    )
    # Empty: the channel the customer wrote on last (cases.queries.reply_channels).
    channel = forms.ChoiceField(label=_("Answer by"), choices=Channel.choices, required=False)
    inserted = forms.CharField(required=False, widget=forms.HiddenInput)
    loaded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # The last message on the page when the composer opened (the collision check).
    last_message = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    send_anyway = forms.BooleanField(required=False, label=_("Send anyway"))
    cc = forms.CharField(label=_("Cc"), required=False, max_length=2000)
    bcc = forms.CharField(label=_("Bcc"), required=False, max_length=2000)
    # "Send and close" closes the case; "send and next" opens the next case (routing).
    after = forms.ChoiceField(
        choices=[("", "–"), ("close", _("Send and close")), ("next", _("Send and next"))],
        required=False,
    )

    def clean_cc(self) -> list[str]:
        return compose.addresses(self.cleaned_data["cc"])

    def clean_bcc(self) -> list[str]:
        return compose.addresses(self.cleaned_data["bcc"])


class NoteForm(forms.Form):
    # Its own id: the reply's textarea on the same page is id_body.
    body = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(
            attrs={"rows": 3, "id": "id_note_body", "aria-label": _("Internal note")}
        ),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.Select(attrs={"aria-label": _("Status")}),
    )


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign_me", _("Assign to me")),
        ("assign", _("Assign to…")),
        ("tag", _("Add tag")),
        ("close", _("Close")),
        ("merge", _("Merge")),
    ]
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(queryset=Agent.objects.all(), required=False)
    tags = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number may be posted; the view keeps only cases the agent may see.
        values = self.data.getlist("cases") if hasattr(self.data, "getlist") else []
        self.fields["cases"].choices = [(v, v) for v in values]

    def clean(self):
        data = super().clean()
        data["tags"] = [t for t in (data.get("tags") or "").split(",") if t.strip()]
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign to."))
        if data.get("action") == "tag" and not data["tags"]:
            self.add_error("tags", _("Write a tag."))
        if data.get("action") == "merge" and len(data.get("cases") or []) < 2:
            self.add_error("cases", _("Choose at least two cases to merge."))
        return data


class SavedReplyForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    class Meta:
        model = SavedReply
        fields = ["title", "body", "language"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def clean_body(self) -> str:
        """A misspelt variable would stay in every answer as {custmer_name}; named as
        written, so "Hej {kund" shows what to fix."""
        body = self.cleaned_data["body"]
        unknown = saved_replies.problems(body)
        if unknown:
            raise ValidationError(
                _(
                    "Unknown variable: %(names)s. The variables you can use are listed below "
                    "the text, written like {customer_first_name}."
                ),
                params={"names": ", ".join(unknown)},
                code="unknown_variable",
            )
        return body
