"""The "then" of a rule: a dict of actions, done in a fixed order through the case
services, each one written to the case's audit trail as an `automation` event:

    {"topic": 3, "priority": "high", "tags": ["vip"], "team": 2,
     "assign": "auto" | <agent id>, "note": "…", "saved_reply": <id>,
     "status": "waiting", "notify": ["lager@butik.se"], "close": true}

An automatic reply always tells the customer how to reach a person (rule T3)."""

import logging
import re
from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction

from kundsvar.accounts.models import Agent, Team
from kundsvar.cases import services as cases
from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, EventKind, SavedReply, Status
from kundsvar.routing import services as routing

from .models import Rule

log = logging.getLogger(__name__)

# Said under every automatic reply, in the customer's language (rule T3).
REACH_A_PERSON = {
    "sv": "Vill du hellre prata med en person? Svara på det här meddelandet, så svarar "
    "någon av oss{phone}.",
    "en": "Would you rather talk to a person? Reply to this message and one of us will "
    "answer{phone}.",
    "nb": "Vil du heller snakke med et menneske? Svar på denne meldingen, så svarer en av "
    "oss{phone}.",
    "da": "Vil du hellere tale med et menneske? Svar på denne besked, så svarer en af os{phone}.",
}
CALL_US = {
    "sv": " – eller ring oss på {number}",
    "en": " – or call us on {number}",
    "nb": " – eller ring oss på {number}",
    "da": " – eller ring til os på {number}",
}
_BRACES = re.compile(r"\{[^{}\n]*\}?|\}")


def reach_a_person(case: Case) -> str:
    language = case.language if case.language in REACH_A_PERSON else "sv"
    phone = CALL_US[language].format(number=case.shop.phone) if case.shop.phone else ""
    return REACH_A_PERSON[language].format(phone=phone)


def render_reply(case: Case, body: str) -> str | None:
    """The saved reply filled in for the case, with the way to a person below it; None
    when a placeholder is left that only an agent could fill in (never send "{order}")."""
    first = (case.customer.name or "").split(" ")[0]
    values = {
        "customer_first_name": first,
        "customer_name": case.customer.name,
        "case_number": str(case.number),
        "shop_name": case.shop.name,
    }
    for name, value in values.items():
        body = body.replace("{" + name + "}", value)
    if _BRACES.search(body):
        return None
    return f"{body.rstrip()}\n\n{reach_a_person(case)}"


def _audit(case: Case, rule: Rule, now: datetime, action: str, **data) -> dict:
    record_event(
        case, EventKind.AUTOMATION, at=now, rule=rule.pk, name=rule.name, action=action, **data
    )
    return {"action": action, **data}


def _reply_status(case: Case, actions: dict) -> str:
    if actions.get("close"):
        return Status.CLOSED
    if actions.get("status") in (Status.ANSWERED, Status.WAITING, Status.CLOSED):
        return actions["status"]
    return Status.WAITING if case.status == Status.WAITING else Status.ANSWERED


def perform(rule: Rule, case: Case, now: datetime) -> list[dict]:
    """Do the rule's actions on `case` (inside the caller's transaction); what was done."""
    actions, done = rule.actions, []
    shop = case.shop
    if actions.get("topic"):
        topic = shop.topics.filter(pk=actions["topic"]).first()
        if topic is not None:
            cases.set_topic(case, topic, source="automation", now=now)
            done.append(_audit(case, rule, now, "topic", topic=topic.pk))
    if actions.get("priority") and actions["priority"] != case.priority:
        cases.set_priority(case, actions["priority"], now=now)
        done.append(_audit(case, rule, now, "priority", priority=actions["priority"]))
    if actions.get("tags"):
        cases.set_tags(case, actions["tags"], add_only=True, now=now)
        done.append(_audit(case, rule, now, "tags", tags=actions["tags"]))
    if actions.get("team"):
        team = Team.objects.filter(shop=shop, pk=actions["team"]).first()
        if team is not None:
            cases.assign_team(case, team, now=now)
            done.append(_audit(case, rule, now, "team", team=team.pk))
    if actions.get("assign") == "auto":
        agent = routing.auto_assign(case, now=now)
        done.append(_audit(case, rule, now, "assign", agent=agent.pk if agent else None))
    elif actions.get("assign"):
        agent = Agent.objects.filter(pk=actions["assign"], memberships__shop=shop).first()
        if agent is not None:
            cases.assign(case, agent, now=now)
            done.append(_audit(case, rule, now, "assign", agent=agent.pk))
    if actions.get("note"):
        cases.add_note(case, None, actions["note"], now=now)
        done.append(_audit(case, rule, now, "note"))
    replied = False
    if actions.get("saved_reply"):
        done.append(_send_saved_reply(rule, case, now))
        replied = done[-1].get("sent", False)
    status = Status.CLOSED if actions.get("close") else actions.get("status")
    if status and not replied:
        case.refresh_from_db(fields=["status"])
        if case.status != status:
            cases.change_status(case, status, now=now)
            done.append(_audit(case, rule, now, "status", status=status))
    if actions.get("notify"):
        done.append(_notify(rule, case, now, actions["notify"]))
    return done


def _send_saved_reply(rule: Rule, case: Case, now: datetime) -> dict:
    saved = SavedReply.objects.filter(shop=case.shop_id, pk=rule.actions["saved_reply"]).first()
    body = render_reply(case, saved.body) if saved else None
    if body is None:
        # Not sent: the audit trail says why, and the case stays as it was.
        return _audit(case, rule, now, "reply", sent=False, saved_reply=rule.actions["saved_reply"])
    then = _reply_status(case, rule.actions)
    try:
        message = cases.reply(case, None, body, then=then, now=now)
    except cases.CaseError as error:
        return _audit(case, rule, now, "reply", sent=False, error=str(error))
    return _audit(case, rule, now, "reply", sent=True, message=message.pk, status=then)


def _notify(rule: Rule, case: Case, now: datetime, addresses: list[str]) -> dict:
    """A short mail to the team (not to the customer), sent after the commit."""
    case.refresh_from_db(fields=["assignee"])
    to = [a for a in addresses if "@" in a]
    if "assignee" in addresses and case.assignee and case.assignee.email:
        to.append(case.assignee.email)
    subject = f"[{case.shop.name}] #{case.number} {case.subject} — {rule.name}"
    body = f"{rule.name}\n\n#{case.number} {case.subject}\n/cases/{case.number}/\n"

    def send() -> None:
        try:
            send_mail(subject, body, case.shop.email, to)
        except OSError:
            log.exception("automation notice for case %s not sent", case.number)

    if to:
        transaction.on_commit(send)
    return _audit(case, rule, now, "notify", to=to)
