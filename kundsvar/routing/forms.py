"""The routing page's forms: the shop's switches, an agent's skills, a team's queue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kundsvar.core.language import CUSTOMER_LANGUAGES

from .models import AgentProfile, RoutingSettings, TeamQueue

TICKS = forms.CheckboxSelectMultiple
LANGUAGES = [(code, code) for code in CUSTOMER_LANGUAGES]


def topic_choices(shop) -> list[tuple[str, str]]:
    topics = getattr(shop, "topics", None)
    return [(str(t.pk), str(t)) for t in topics.all()] if topics is not None else []


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RoutingSettings
        fields = ["auto_assign", "escalate_minutes"]


class _Skills(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics handled"),
        required=False,
        widget=TICKS,
        help_text=_("None ticked: all topics."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGES,
        required=False,
        widget=TICKS,
        help_text=_("None ticked: every language."),
    )

    def __init__(self, shop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices(shop)
        self.initial["topics"] = [str(t) for t in self.instance.topics or []]

    def clean_topics(self):
        return [int(t) for t in self.cleaned_data["topics"]]


class ProfileForm(_Skills):
    class Meta:
        model = AgentProfile
        fields = ["topics", "languages", "capacity", "chat_capacity"]


class QueueForm(_Skills):
    class Meta:
        model = TeamQueue
        fields = ["topics", "languages"]
