from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kundsvar.sla.promise import promise_text

from . import queries, services
from .forms import NoteForm, ReplyForm, StatusForm

VIEWS = ["open", "mine", "waiting", "closed"]


@login_required
def queue(request):
    view = request.GET.get("view", "open")
    if view not in VIEWS:
        view = "open"
    cases = queries.queue(request.user, view)[:100]
    template = "cases/_queue_rows.html" if request.htmx else "cases/queue.html"
    return render(request, template, {"cases": cases, "view": view, "views": VIEWS,
                                      "now": timezone.now()})


def _case(request, number):
    return get_object_or_404(queries.cases_for(request.user).select_related(
        "shop", "customer", "assignee"), number=number)


@login_required
def detail(request, number):
    case = _case(request, number)
    promise = promise_text(case.due_at, case.language, case.shop.tz) if case.due_at else ""
    return render(request, "cases/detail.html", {
        "case": case,
        "conversation": case.messages.select_related("author").prefetch_related("outbound"),
        "is_shop_admin": queries.is_shop_admin(request.user, case.shop_id),
        "events": case.events.select_related("actor"),
        "promise": promise,
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "status_form": StatusForm(initial={"status": case.status}),
        "now": timezone.now(),
    })


@login_required
@require_POST
def reply(request, number):
    case = _case(request, number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.reply(case, request.user, form.cleaned_data["body"],
                       then=form.cleaned_data["then"])
    else:
        messages.error(request, form.errors.as_text())
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def note(request, number):
    case = _case(request, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(case, request.user, form.cleaned_data["body"])
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def status(request, number):
    case = _case(request, number)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(case, form.cleaned_data["status"], actor=request.user)
        except services.CaseError as error:
            messages.error(request, str(error))
    return redirect("cases:detail", number=number)


@login_required
def raw_source(request, number, message_id):
    """The message exactly as it arrived. Admins only: it may hold a personal identity
    number that everything else shows masked (rule C3)."""
    case = _case(request, number)
    if not queries.is_shop_admin(request.user, case.shop_id):
        raise Http404
    message = get_object_or_404(case.messages, pk=message_id)
    if not message.raw_sha256:
        raise Http404
    from kundsvar.channels.email import rawstore

    response = HttpResponse(rawstore.get(message.raw_sha256), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-{message.pk}.eml"'
    return response
