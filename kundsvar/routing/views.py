"""The routing settings page, /settings/<shop>/routing/: automatic assignment and
escalation, each agent's skills, languages and capacity, each team's queue (rule T2)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kundsvar.accounts.models import Agent, Team
from kundsvar.accounts.security import shop_admin_required

from . import services
from .forms import ProfileForm, QueueForm, SettingsForm
from .models import AgentProfile, TeamQueue


def _agents(shop):
    return Agent.objects.filter(memberships__shop=shop).order_by("first_name", "username")


@shop_admin_required
def routing(request, shop):
    settings_form = SettingsForm(instance=services.settings_for(shop), prefix="settings")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "settings":
            settings_form = SettingsForm(
                request.POST, instance=services.settings_for(shop), prefix="settings"
            )
            if settings_form.is_valid():
                services.save_settings(shop, **settings_form.cleaned_data)
                messages.success(request, _("Routing saved."))
                return redirect("settings:routing", shop.slug)
        elif action.startswith("agent-"):
            agent = get_object_or_404(_agents(shop), pk=action.removeprefix("agent-"))
            form = ProfileForm(shop, request.POST, prefix=action)
            if form.is_valid():
                services.save_profile(shop, agent, **form.cleaned_data)
                messages.success(request, _("Skills saved."))
                return redirect("settings:routing", shop.slug)
        elif action.startswith("team-"):
            team = get_object_or_404(Team, shop=shop, pk=action.removeprefix("team-"))
            form = QueueForm(shop, request.POST, prefix=action)
            if form.is_valid():
                services.save_team_queue(team, **form.cleaned_data)
                messages.success(request, _("Queue saved."))
                return redirect("settings:routing", shop.slug)
    profiles = {p.agent_id: p for p in AgentProfile.objects.filter(shop=shop)}
    queues = {q.team_id: q for q in TeamQueue.objects.filter(team__shop=shop)}
    context = {
        "shop": shop,
        "section": "routing",
        "settings_form": settings_form,
        "agents": [
            (a, ProfileForm(shop, instance=profiles.get(a.pk), prefix=f"agent-{a.pk}"))
            for a in _agents(shop)
        ],
        "teams": [
            (t, QueueForm(shop, instance=queues.get(t.pk), prefix=f"team-{t.pk}"))
            for t in Team.objects.filter(shop=shop)
        ],
    }
    return render(request, "routing/routing.html", context)
