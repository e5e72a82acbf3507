"""The queue's "Next case" button (rule T2): the most urgent case the agent is qualified
for (their skills, languages and teams' queues) becomes theirs, and opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.routing import services as routing


@login_required
@require_POST
def next_case(request):
    return open_next(request)


def open_next(request):
    """Also "send and next" in the composer: the same choice as the queue's button."""
    case = routing.next_case(request.user)
    if case is None:
        messages.info(request, _("No case is waiting for you right now."))
        return redirect("cases:queue")
    return redirect("cases:detail", case.number)
