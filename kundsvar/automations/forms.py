"""The rule builder: when, if, then — one form whose fields become the rule's
conditions and actions (codes, see `conditions.py` and `actions.py`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kundsvar.accounts.models import Agent, Team
from kundsvar.cases.models import Channel, Priority, SavedReply, Status
from kundsvar.core.language import CUSTOMER_LANGUAGES
from kundsvar.routing.forms import topic_choices

from .models import Rule, Trigger

TICKS = forms.CheckboxSelectMultiple
ANY = [("", _("any"))]


def _comma(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _multi(label, choices):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=TICKS)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    enabled = forms.BooleanField(label=_("On"), required=False, initial=True)
    trigger = forms.ChoiceField(label=_("When"), choices=Trigger.choices)
    amount = forms.IntegerField(
        label=_("N"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("Days, minutes or per cent, as the time condition says."),
    )
    if_channel = _multi(_("If the channel is"), Channel.choices)
    if_language = _multi(_("If the language is"), [(c, c) for c in CUSTOMER_LANGUAGES])
    if_status = _multi(_("If the status is"), Status.choices)
    if_priority = _multi(_("If the priority is"), Priority.choices)
    if_topic = forms.MultipleChoiceField(label=_("If the topic is"), required=False, widget=TICKS)
    if_tags_any = forms.CharField(
        label=_("If it has one of the tags"), required=False, help_text=_("Comma-separated.")
    )
    if_tags_none = forms.CharField(label=_("If it has none of the tags"), required=False)
    if_customer = forms.CharField(
        label=_("If the customer's name or address contains"), required=False
    )
    if_text = forms.CharField(
        label=_("If the text contains one of"), required=False, help_text=_("Comma-separated.")
    )
    if_assigned = forms.ChoiceField(
        label=_("If someone has the case"),
        choices=[*ANY, ("yes", _("yes")), ("no", _("nobody"))],
        required=False,
    )
    then_topic = forms.ChoiceField(label=_("Set the topic"), required=False)
    then_priority = forms.ChoiceField(
        label=_("Set the priority"), choices=[*ANY, *Priority.choices], required=False
    )
    then_tags = forms.CharField(label=_("Add tags"), required=False)
    then_team = forms.ChoiceField(label=_("Give to the team"), required=False)
    then_assign = forms.ChoiceField(label=_("Assign to"), required=False)
    then_note = forms.CharField(label=_("Add a note"), required=False, widget=forms.Textarea)
    then_saved_reply = forms.ChoiceField(
        label=_("Send a saved reply"),
        required=False,
        help_text=_("It always ends with how to reach a person (rule T3)."),
    )
    then_status = forms.ChoiceField(
        label=_("Change the status to"), choices=[*ANY, *Status.choices], required=False
    )
    then_notify = forms.CharField(
        label=_("Notify by email"),
        required=False,
        help_text=_("Addresses, comma-separated; 'assignee' for whoever has the case."),
    )
    then_close = forms.BooleanField(label=_("Close the case"), required=False)

    def __init__(self, shop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        topics = topic_choices(shop)
        self.fields["if_topic"].choices = topics
        self.fields["then_topic"].choices = none + topics
        self.fields["then_team"].choices = none + [
            (str(t.pk), t.name) for t in Team.objects.filter(shop=shop)
        ]
        agents = Agent.objects.filter(memberships__shop=shop).order_by("first_name", "username")
        self.fields["then_assign"].choices = [
            *none,
            ("auto", _("the available agent with the least load")),
            *[(str(a.pk), str(a)) for a in agents],
        ]
        self.fields["then_saved_reply"].choices = none + [
            (str(r.pk), r.title) for r in SavedReply.objects.filter(shop=shop)
        ]

    def clean(self):
        data = super().clean()
        if data.get("trigger") in (Trigger.WAITING, Trigger.DUE_SOON, Trigger.CLOSED_AGO) and (
            not data.get("amount")
        ):
            self.add_error("amount", _("Say after how long."))
        if data.get("trigger") == Trigger.TIME_USED and not 0 < (data.get("amount") or 0) <= 100:
            self.add_error("amount", _("A share between 1 and 100 %."))
        return data

    def rule_values(self) -> dict:
        d = self.cleaned_data
        conditions = {
            "channel": d["if_channel"],
            "language": d["if_language"],
            "status": d["if_status"],
            "priority": d["if_priority"],
            "topic": [int(t) for t in d["if_topic"]],
            "tags_any": [t.lower() for t in _comma(d["if_tags_any"])],
            "tags_none": [t.lower() for t in _comma(d["if_tags_none"])],
            "customer": d["if_customer"].strip(),
            "text": d["if_text"].strip(),
            "assigned": d["if_assigned"],
        }
        actions = {
            "topic": int(d["then_topic"]) if d["then_topic"] else None,
            "priority": d["then_priority"],
            "tags": _comma(d["then_tags"]),
            "team": int(d["then_team"]) if d["then_team"] else None,
            "assign": d["then_assign"] if d["then_assign"] == "auto" else _int(d["then_assign"]),
            "note": d["then_note"].strip(),
            "saved_reply": _int(d["then_saved_reply"]),
            "status": d["then_status"],
            "notify": _comma(d["then_notify"]),
            "close": d["then_close"],
        }
        return {
            "name": d["name"],
            "enabled": d["enabled"],
            "trigger": d["trigger"],
            "amount": d.get("amount") or 0,
            "conditions": {k: v for k, v in conditions.items() if v},
            "actions": {k: v for k, v in actions.items() if v},
        }

    @staticmethod
    def initial_for(rule: Rule) -> dict:
        c, a = rule.conditions, rule.actions
        initial = {"name": rule.name, "enabled": rule.enabled, "trigger": rule.trigger}
        initial["amount"] = rule.amount
        for name in ("channel", "language", "status", "priority", "customer", "text", "assigned"):
            initial[f"if_{name}"] = c.get(name, "")
        initial["if_topic"] = [str(t) for t in c.get("topic", [])]
        initial["if_tags_any"] = ", ".join(c.get("tags_any", []))
        initial["if_tags_none"] = ", ".join(c.get("tags_none", []))
        for name in ("topic", "priority", "team", "assign", "note", "saved_reply", "status"):
            initial[f"then_{name}"] = str(a.get(name) or "")
        initial["then_tags"] = ", ".join(a.get("tags", []))
        initial["then_notify"] = ", ".join(a.get("notify", []))
        initial["then_close"] = a.get("close", False)
        return initial


def _int(value: str) -> int | None:
    return int(value) if value else None
