"""The bell, the list, mark read, the agent's settings and their live stream. An agent
only ever sees and changes their own notifications."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kundsvar.live import sse

from . import queries, services
from .models import Digest, Kind

BELL_ITEMS = 8


def _items(agent, limit):
    return [(n, services.title(n)) for n in queries.recent(agent, limit)]


@login_required
@require_GET
def bell(request):
    """The bell's count and latest few (loaded by the top bar, reloaded on news)."""
    agent = request.user
    return render(
        request,
        "notifications/_bell.html",
        {
            "unread": queries.unread_count(agent),
            "items": _items(agent, BELL_ITEMS),
            "last": sse.last_seq_of(queries.stream_of(agent.pk)),
        },
    )


@login_required
@require_GET
def index(request):
    return render(
        request,
        "notifications/index.html",
        {"items": _items(request.user, 100), "unread": queries.unread_count(request.user)},
    )


@login_required
@require_POST
def read(request):
    """Mark one (`id`) or all read; the link in a notification goes through here too."""
    wanted = request.POST.get("id", "")
    ids = [int(wanted)] if wanted.isdigit() else None
    services.mark_read(request.user, ids)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:index")


class SettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Tell me when"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest = forms.ChoiceField(label=gettext_lazy("Email digest"), choices=Digest.choices)


@login_required
def settings_page(request):
    current = queries.settings_of(request.user)
    form = SettingsForm(
        request.POST or None, initial={"kinds": current.kinds, "digest": current.digest}
    )
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            request.user, kinds=form.cleaned_data["kinds"], digest=form.cleaned_data["digest"]
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_required
@require_GET
def poll(request):
    """The fallback when event streams are blocked."""
    return JsonResponse(sse.poll(queries.stream_of(request.user.pk), sse.last_seen(request)))


async def stream(request):
    """The agent's own stream: new notifications and the unread count (async, held open
    under uvicorn)."""
    user = await request.auser()
    await sse.release_request_connections()
    if not user.is_authenticated:
        return HttpResponseForbidden()
    return sse.response(queries.stream_of(user.pk), sse.last_seen(request))
