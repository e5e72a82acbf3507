"""Undo for the case page's safe inline actions (assignment, status, tags, snooze): the
state before the change is kept in the agent's session for a few seconds, and "Undo"
puts it back through the same services (with their audit events). Merging is not undone
this way: it asks for a confirmation first instead."""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kundsvar.accounts.models import Agent, Team
from kundsvar.cases import queries, services
from kundsvar.cases.models import Case

WINDOW = timedelta(seconds=10)  # the toast shows this long
GRACE = timedelta(seconds=5)  # a click at the last moment still counts
KEY = "workspace_undo"
LABELS = {
    "assign": gettext_lazy("Assignment changed."),
    "status": gettext_lazy("Status changed."),
    "tags": gettext_lazy("Tags changed."),
    "snooze": gettext_lazy("Snoozed."),
}


def before(case: Case, action: str) -> dict:
    """What `action` is about to change, to put back on undo."""
    if action == "assign":
        return {"assignee": case.assignee_id, "team": case.team_id}
    if action == "status":
        return {"status": case.status}
    if action == "tags":
        return {"tags": sorted(t.name for t in case.tags.all())}
    if action == "snooze":
        until = case.snoozed_until
        return {"until": until.isoformat() if until and until > timezone.now() else ""}
    raise ValueError(action)


def remember(request, case: Case, action: str, state: dict) -> None:
    request.session[KEY] = {
        "token": secrets.token_urlsafe(8),
        "case": case.pk,
        "number": case.number,
        "action": action,
        "state": state,
        "at": timezone.now().isoformat(),
    }


def pending(request) -> dict | None:
    """The toast's content while the undo window is open."""
    entry = request.session.get(KEY)
    if not entry:
        return None
    at = parse_datetime(entry["at"])
    if at is None or timezone.now() - at > WINDOW:
        return None
    return {**entry, "label": LABELS.get(entry["action"], "")}


@login_required
@require_POST
def undo(request, number: int):
    entry = request.session.get(KEY) or {}
    at = parse_datetime(entry.get("at", ""))
    fresh = at is not None and timezone.now() - at <= WINDOW + GRACE
    if entry.get("token") != request.POST.get("token") or entry.get("number") != number:
        fresh = False
    case = get_object_or_404(queries.cases_for(request.user), number=number)
    if not fresh:
        messages.error(request, _("Too late to undo; change it back by hand."))
        return redirect("cases:detail", number=number)
    del request.session[KEY]
    try:
        _revert(case, entry["action"], entry["state"], request.user)
    except services.CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Undone."))
    return redirect("cases:detail", number=number)


def _revert(case: Case, action: str, state: dict, agent) -> None:
    if action == "assign":
        assignee = Agent.objects.filter(pk=state["assignee"]).first() if state["assignee"] else None
        services.assign(case, assignee, actor=agent)
        team = Team.objects.filter(pk=state["team"]).first() if state["team"] else None
        services.assign_team(case, team, actor=agent)
    elif action == "status":
        services.change_status(case, state["status"], actor=agent)
    elif action == "tags":
        services.set_tags(case, state["tags"], actor=agent)
    elif action == "snooze":
        until = parse_datetime(state["until"]) if state["until"] else None
        services.snooze(case, until if until and until > timezone.now() else None, actor=agent)
