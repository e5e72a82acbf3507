"""Every write to the shop's automations: rules saved, switched on and off, removed, and
the suggested rules (with their saved replies) added once."""

from django.db import transaction

from kundsvar.cases.models import Priority, SavedReply, Status
from kundsvar.core import batchcache

from .models import Rule, Trigger


def save_rule(shop, rule: Rule | None = None, **values) -> Rule:
    rule = rule or Rule(shop=shop)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    batchcache.forget(shop.pk)
    return rule


def switch(rule: Rule, enabled: bool) -> Rule:
    Rule.objects.filter(pk=rule.pk).update(enabled=enabled)
    rule.enabled = enabled
    batchcache.forget(rule.shop_id)
    return rule


def delete_rule(rule: Rule) -> None:
    rule.delete()
    batchcache.forget(rule.shop_id)


REMINDER = (
    "Påminnelse: vi väntar på ditt svar",
    "Hej {customer_first_name}!\n\nVi väntar fortfarande på ditt svar i ärende "
    "{case_number}. Svara gärna på det här meddelandet när du har möjlighet, så hjälper vi "
    "dig vidare.\n\nVänliga hälsningar\n{shop_name}",
)
LAST_MAIL = (
    "Vi stänger ärendet",
    "Hej {customer_first_name}!\n\nEftersom vi inte har hört av dig på en vecka stänger vi "
    "ärende {case_number} nu. Behöver du fortfarande hjälp? Svara bara på det här "
    "meddelandet, så öppnar vi det igen.\n\nVänliga hälsningar\n{shop_name}",
)


def _saved_reply(shop, title: str, body: str) -> SavedReply:
    found = SavedReply.objects.filter(shop=shop, title=title).first()
    return found or SavedReply.objects.create(shop=shop, title=title, body=body, language="sv")


@transaction.atomic
def seed_rules(shop, *, enabled: bool = True) -> list[Rule]:
    """The suggested rules (issue 14): a reminder after 3 days waiting on the customer,
    closing after 7 days with a last friendly mail, and escalating unassigned cases at
    80 % of their promised time. Added once: a rule already suggested is left as it is."""
    reminder = _saved_reply(shop, *REMINDER)
    last = _saved_reply(shop, *LAST_MAIL)
    wanted = {
        "remind": {
            "name": "Påminn kunden efter 3 dagar",
            "trigger": Trigger.WAITING,
            "amount": 3,
            "actions": {"saved_reply": reminder.pk, "status": Status.WAITING},
        },
        "auto_close": {
            "name": "Stäng efter 7 dagars väntan, med ett sista vänligt mejl",
            "trigger": Trigger.WAITING,
            "amount": 7,
            "actions": {"saved_reply": last.pk, "close": True},
        },
        "escalate": {
            "name": "Eskalera otilldelade ärenden vid 80 % av tiden",
            "trigger": Trigger.TIME_USED,
            "amount": 80,
            "conditions": {"assigned": "no"},
            "actions": {
                "priority": Priority.URGENT,
                "note": "Ingen har tagit ärendet och 80 % av den utlovade tiden har gått.",
                "assign": "auto",
            },
        },
    }
    made = []
    for seed, values in wanted.items():
        if not Rule.objects.filter(shop=shop, seed=seed).exists():
            made.append(Rule.objects.create(shop=shop, seed=seed, enabled=enabled, **values))
    batchcache.forget(shop.pk)
    return made
