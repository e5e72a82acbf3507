from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kundsvar.accounts.models import Agent, Membership, Role, Team
from kundsvar.cases import queries, services
from kundsvar.cases.models import Case, Channel, Direction, Message, Status
from kundsvar.channels.email import outbox
from kundsvar.knowledge import panels as knowledge_panels
from kundsvar.ops import gdpr
from kundsvar.search.queries import search_cases
from kundsvar.shops.models import Language
from kundsvar.sla.promise import promise_text
from kundsvar.topics.models import Topic
from kundsvar.topics.queries import shop_topics
from kundsvar.topics.services import choose_topic

from . import compose, next_case, saved_replies, saved_views, undo
from . import services as workspace
from .forms import BulkForm, NoteForm, ReplyForm, StatusForm
from .panels import render_panels
from .rows import queue_rows
from .snooze_choices import snooze_choices

PAGE_SIZE = 50
PRESENCE_WINDOW = timedelta(seconds=45)


@login_required
def queue(request):
    view = request.GET.get("view", "open")
    view = view if view in queries.VIEWS else "open"
    filters = queries.Filters.from_query(request.GET)
    qs = queries.queue(request.user, view, filters)
    q = request.GET.get("q", "").strip()[:200]
    after = request.GET.get("after", "")
    if q:
        qs = _search(qs, q, filters.language)
    elif after.isdigit():  # the next page: keyset, after the last row shown
        last = queries.cases_for(request.user).filter(number=int(after)).first()
        if last is not None:
            qs = queries.after(qs, view, last)
    cases = list(qs[: PAGE_SIZE + 1])
    more = len(cases) > PAGE_SIZE and not q
    cases = cases[:PAGE_SIZE]
    params = request.GET.copy()
    params.pop("after", None)
    now = timezone.now()
    context = {
        "cases": cases,
        "rows": queue_rows(cases, now),
        "view": view,
        "views": queries.VIEWS,
        "filters": filters,
        "q": q,
        "now": now,
        "query": params.urlencode(),
        "more": more,
    }
    if request.htmx and request.htmx.target in ("queue-rows", "queue-more"):
        return render(request, "cases/_queue_rows.html", context)
    shops = queries.shop_ids(request.user)
    agents = Agent.objects.filter(is_active=True).order_by("first_name")
    if not request.user.is_superuser:
        agents = agents.filter(memberships__shop_id__in=shops).distinct()
    context.update(
        agents=agents,
        bulk_form=BulkForm(),
        counts=queries.view_counts(request.user),
        saved_views=saved_views.sidebar(request.user),
        undo=undo.pending(request),
        current_query=saved_views.clean_query(request.GET.urlencode()),
    )
    return render(request, "cases/queue.html", context)


def _search(qs, q, language=None):
    return search_cases(qs, q, language or None)


def _back(request):
    """Back to the queue page the agent came from; never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("cases:queue")


@login_required
@require_POST
def bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose cases and an action."))
        return _back(request)
    wanted = set(form.cleaned_data["cases"])
    cases = list(
        queries.cases_for(request.user)
        .filter(number__in=wanted)
        .select_related("customer")
        .order_by("received_at", "number")
    )
    action = form.cleaned_data["action"]
    if action == "merge":
        if len(cases) != len(wanted):
            raise Http404  # a case of another shop, or none at all: nothing to merge
        if not request.POST.get("confirm"):
            return _confirm_merge(
                request,
                cases[0],
                cases[1:],
                {
                    "action": "merge",
                    "cases": [c.number for c in cases],
                    "next": request.POST.get("next", ""),
                },
            )
    try:
        done = _bulk(
            request.user,
            cases,
            action,
            form.cleaned_data,
            same_person=request.POST.get("same_person") == "on",
        )
    except services.CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)s cases updated.") % {"n": done})
    return _back(request)


@transaction.atomic
def _bulk(agent, cases: list[Case], action: str, data: dict, same_person=False) -> int:
    if action == "merge":
        target, *rest = cases  # the oldest question survives
        for case in rest:
            services.merge_cases(case, target, actor=agent, same_person=same_person)
        return len(rest)
    for case in cases:
        if action == "assign_me":
            services.assign(case, agent, actor=agent)
        elif action == "assign":
            services.assign(case, data["assignee"], actor=agent)
        elif action == "tag":
            services.set_tags(case, data["tags"], actor=agent, add_only=True)
        elif action == "close":
            services.change_status(case, Status.CLOSED, actor=agent)
    return len(cases)


def _case(request, number) -> Case:
    return get_object_or_404(
        queries.cases_for(request.user)
        .select_related("shop", "customer", "assignee", "team", "merged_into")
        # Read by the page, the composer and the panels: once each (constant queries).
        .prefetch_related("tags", "customer__emails"),
        number=number,
    )


def _detail_context(request, case: Case, **extra) -> dict:
    now = timezone.now()
    # Read once: the page, the composer's checks and the panels take the conversation
    # from here (queries.prefetched_messages), not each with a query of its own.
    prefetch_related_objects(
        [case],
        Prefetch(
            "messages",
            queryset=Message.objects.select_related("author", "verified_by_shop").prefetch_related(
                "outbound", "attachments"
            ),
        ),
    )
    conversation = case.messages.all()
    # The shop's agents (the assignee menu) and whether this one is its admin: one query.
    members = list(
        Membership.objects.filter(shop_id=case.shop_id, agent__is_active=True)
        .select_related("agent")
        .order_by("agent__first_name", "agent_id")
    )
    channels = queries.reply_channels(case)
    draft = compose.draft_for(case, request.user)  # the agent's unsent text, restored
    context = {
        "case": case,
        "conversation": conversation,
        "events": case.events.select_related("actor"),
        "promise": promise_text(case.due_at, case.language, case.shop.tz) if case.due_at else "",
        "reply_form": ReplyForm(
            initial={
                "loaded_at": now.isoformat(),
                "then": Status.ANSWERED,
                "last_message": services.last_message_id(case),
                **({"body": draft.body, "cc": draft.cc, "bcc": draft.bcc} if draft else {}),
            }
        ),
        "draft": draft,
        "reply_channels": [(code, Channel(code).label) for code in channels],
        "email_channels": queries.BY_EMAIL,
        "note_form": NoteForm(),
        "status_form": StatusForm(initial={"status": case.status}),
        "saved_replies": [
            (r, saved_replies.render(r, case, request.user), saved_replies.problems(r.body))
            for r in saved_replies.for_case(case)
        ],
        "variables": saved_replies.VARIABLES,
        "agents": [m.agent for m in members],
        "teams": Team.objects.filter(shop_id=case.shop_id),
        "languages": Language.choices,
        "topics": [
            (t.pk, t.name(translation.get_language() or "sv")) for t in shop_topics(case.shop)
        ],
        "previous_cases": queries.previous_cases(case),
        "panels": render_panels(case, request.user),
        "emails": list(case.customer.emails.all()),
        "is_shop_admin": request.user.is_superuser
        or any(m.agent_id == request.user.pk and m.role == Role.ADMIN for m in members),
        "now": now,
        "viewers": queries.colleagues_viewing(case, request.user, now - PRESENCE_WINDOW),
        "undo": undo.pending(request),
        "snooze_choices": snooze_choices(now, case.shop.tz),
    }
    context.update(extra)
    context["email_preview"] = _email_preview(channels, context["reply_form"]["channel"].value())
    return context


def _email_preview(channels: list[str], chosen: str | None) -> str:
    """ "shown", "hidden" (the answer goes by SMS or Messenger now, by email if the agent
    switches) or "never" (no email to preview): an SMS is not an email."""
    if not any(code in queries.BY_EMAIL for code in channels):
        return "never"
    return "shown" if (chosen or channels[0]) in queries.BY_EMAIL else "hidden"


@login_required
def detail(request, number):
    case = _case(request, number)
    services.mark_seen(case, request.user)
    gdpr.log_case_view(case, request.user)  # the customer's access log (GDPR)
    return render(request, "cases/detail.html", _detail_context(request, case))


@login_required
def presence(request, number):
    """Polled by the open case page: who else is here, and did the customer write?"""
    case = _case(request, number)
    services.mark_seen(case, request.user)
    loaded = parse_datetime(request.GET.get("loaded_at", "")) or timezone.now()
    newer = case.messages.filter(direction=Direction.INBOUND, created_at__gt=loaded).count()
    viewers = queries.colleagues_viewing(case, request.user, timezone.now() - PRESENCE_WINDOW)
    answered = (
        case.messages.filter(direction=Direction.OUTBOUND, created_at__gt=loaded)
        .exclude(author=request.user)
        .select_related("author")
    )
    names = sorted({str(m.author or case.shop) for m in answered})
    return render(
        request,
        "cases/_presence.html",
        {"viewers": viewers, "newer": newer, "answered": names, "case": case},
    )


@login_required
@require_POST
def reply(request, number):
    case = _case(request, number)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _composer_again(request, case, form, status=400)
    data = form.cleaned_data
    warnings = _reply_warnings(request, case, data)
    if warnings:
        return _composer_again(request, case, form, warnings=warnings)
    # "Send anyway" answers the warnings above, never the hard stop: a colleague's answer
    # or a new message since the page the agent read always stops the send.
    seen = data["last_message"]
    by_email = (data["channel"] or queries.reply_channels(case)[0]) in queries.BY_EMAIL
    text, html = compose.answer(
        data["body"], compose.signature(case, request.user), by_email=by_email
    )
    then = Status.CLOSED if data["after"] == "close" else data["then"]
    try:
        attached = compose.uploads(request.FILES.getlist("attachments"), by_email=by_email)
    except ValidationError as error:
        return _composer_again(request, case, form, warnings=error.messages, status=400)
    try:
        with transaction.atomic():
            services.reply(
                case,
                request.user,
                text,
                body_html=html,
                then=then,
                seen_last_message=seen,
                channel=data["channel"],
                cc=data["cc"],
                bcc=data["bcc"],
                files=attached,
            )
            workspace.discard_draft(request.user, case)
    except services.StaleView as error:
        # The draft stays; the page now shows (and remembers) what arrived meanwhile.
        again = request.POST.copy()
        again["last_message"] = services.last_message_id(case)
        return _composer_again(
            request,
            case,
            ReplyForm(again),
            status=409,
            warnings=[
                str(error),
                _(
                    "Nothing was sent. Read the conversation again, then send your "
                    "reply or change it."
                ),
            ],
        )
    except services.CaseError as error:
        return _composer_again(request, case, form, warnings=[str(error)], status=400)
    messages.success(request, _("Reply sent to %(who)s.") % {"who": case.customer})
    if data["after"] == "next":
        return next_case.open_next(request)
    if then == Status.CLOSED or request.POST.get("next") == "queue":
        return redirect("cases:queue")
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def draft(request, number):
    """The composer saves itself (htmx, on a debounce) so a reload or a closed tab
    loses nothing."""
    case = _case(request, number)
    saved = workspace.save_draft(
        request.user,
        case,
        request.POST.get("body", ""),
        request.POST.get("cc", ""),
        request.POST.get("bcc", ""),
    )
    return render(request, "cases/_draft_state.html", {"draft": saved})


def _reply_warnings(request, case: Case, data: dict) -> list[str]:
    """Rule R6 and the stale-view check: a chance to look again, never a block."""
    warnings = []
    tokens = data["inserted"].split(",")
    ids = [int(i) for i in tokens if i.isdigit()]
    articles = knowledge_panels.inserted_texts(case, tokens)  # FAQ text is a start too
    if (ids or articles) and not data["send_anyway"]:
        inserted = [
            saved_replies.render(r, case, request.user)
            for r in saved_replies.for_case(case).filter(pk__in=ids)
        ] + articles
        reasons = saved_replies.unadapted(data["body"], inserted)
        if "placeholders" in reasons:
            warnings.append(
                _(
                    "The reply still has variables in braces, such as "
                    "{customer_first_name}, to fill in."
                )
            )
        if "unchanged" in reasons:
            warnings.append(
                _(
                    "This is a saved reply as it stands. Does it answer what the "
                    "customer actually asked? Add a personal line, or send anyway."
                )
            )
    loaded = data["loaded_at"]
    # A composer without last_message (a page from before it existed): warn by time.
    if loaded and not data["send_anyway"] and data["last_message"] is None:
        newer = case.messages.filter(direction=Direction.INBOUND, created_at__gt=loaded)
        if newer.exists():
            warnings.append(
                _(
                    "The customer wrote again after you opened the case. Read the "
                    "new message first, or send anyway."
                )
            )
    return warnings


def _composer_again(request, case, form, warnings=(), status=200):
    context = _detail_context(request, case, reply_form=form, reply_warnings=list(warnings))
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_POST
def preview(request, number):
    """Exactly the email the customer will get, before it is sent."""
    from kundsvar.channels.email import emails

    case = _case(request, number)
    question = case.messages.filter(direction=Direction.INBOUND).order_by("-created_at").first()
    if question is None:
        return HttpResponse(_("Nothing to answer: the case has no message from the customer."))
    text, html = compose.answer(
        request.POST.get("body", ""), compose.signature(case, request.user), by_email=True
    )
    try:
        cc = compose.addresses(request.POST.get("cc", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    draft = Message(
        pk=0,
        case=case,
        direction=Direction.OUTBOUND,
        author=request.user,
        body_text=text,
        body_html=html,
        cc_addresses=cc,
        created_at=timezone.now(),
    )
    built = emails.reply(case, draft, question)
    return render(
        request,
        "cases/_preview.html",
        {
            "subject": built["Subject"],
            "sender": built["From"],
            "to": built["To"],
            "cc": built["Cc"] or "",
            "html": built.get_body(("html",)).get_content(),
            "text": built.get_body(("plain",)).get_content(),
        },
    )


@login_required
@require_POST
def note(request, number):
    case = _case(request, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        _attempt(request, services.add_note, case, request.user, form.cleaned_data["body"])
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def status(request, number):
    case = _case(request, number)
    form = StatusForm(request.POST)
    state = undo.before(case, "status")
    if form.is_valid() and _attempt(
        request, services.change_status, case, form.cleaned_data["status"], actor=request.user
    ):
        undo.remember(request, case, "status", state)
    return redirect("cases:detail", number=number)


def _attempt(request, write, *args, **kwargs):
    try:
        return write(*args, **kwargs)
    except services.CaseError as error:
        messages.error(request, str(error))
        return None


@login_required
@require_POST
def assign(request, number):
    case = _case(request, number)
    value = request.POST.get("assignee", "")
    if value == "me":
        assignee = request.user
    elif value.isdigit():
        # Another shop's agent is a 404 like a missing one: nothing about them shows.
        assignee = get_object_or_404(
            Agent, pk=int(value), is_active=True, memberships__shop=case.shop_id
        )
    else:
        assignee = None
    state = undo.before(case, "assign")
    done = _attempt(request, services.assign, case, assignee, actor=request.user)
    team = request.POST.get("team")
    if team is not None:
        chosen = get_object_or_404(Team, pk=int(team), shop=case.shop) if team.isdigit() else None
        done = _attempt(request, services.assign_team, case, chosen, actor=request.user) and done
    if done:
        undo.remember(request, case, "assign", state)
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def language(request, number):
    case = _case(request, number)
    _attempt(
        request, services.set_language, case, request.POST.get("language", ""), actor=request.user
    )
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def topic(request, number):
    """The agent sets or changes what the case is about; detection learns from it."""
    case = _case(request, number)
    chosen = request.POST.get("topic", "")
    topic = Topic.objects.filter(shop=case.shop, pk=chosen).first() if chosen.isdigit() else None
    if chosen and topic is None:
        messages.error(request, _("No such topic in this shop."))
    else:
        _attempt(request, choose_topic, case, topic, request.user)
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def tags(request, number):
    case = _case(request, number)
    state = undo.before(case, "tags")
    services.set_tags(case, request.POST.get("tags", "").split(","), actor=request.user)
    undo.remember(request, case, "tags", state)
    if request.htmx:  # saved inline as the agent leaves the field: the undo toast only
        # And the tags at the top of the page, swapped in (read again: `case` has the
        # tags prefetched as they were).
        tags = list(Case.objects.get(pk=case.pk).tags.all())
        context = {"undo": undo.pending(request), "case_tags": tags}
        return render(request, "cases/_tags_saved.html", context)
    return redirect("cases:detail", number=number)


@login_required
@require_http_methods(["GET", "POST"])
def merge(request, number):
    """Merging is shown first and done only on an explicit confirmation: a GET or the
    first POST from the case page only asks (in the page's dialog when it comes by htmx;
    the confirmation is an ordinary POST that goes to the kept case)."""
    case = _case(request, number)
    params = request.POST if request.method == "POST" else request.GET
    other = params.get("into", "").strip().lstrip("#")
    target = (
        queries.cases_for(request.user).filter(number=other).first() if other.isdigit() else None
    )
    if target is None:
        if request.htmx:  # the case page's dialog says so where the agent typed
            return render(request, "cases/_merge_confirm.html", {"not_found": other or "–"})
        messages.error(request, _("No case %(n)s here.") % {"n": other})
        return redirect("cases:detail", number=number)
    if request.method == "GET" or not params.get("confirm"):
        return _confirm_merge(request, target, [case], {"into": target.number})
    if _attempt(
        request,
        services.merge_cases,
        case,
        target,
        actor=request.user,
        same_person=params.get("same_person") == "on",
    ):
        messages.success(request, _("Merged into #%(n)s.") % {"n": target.number})
        return redirect("cases:detail", number=target.number)
    return _confirm_merge(request, target, [case], {"into": target.number}, status=400)


def _confirm_merge(request, target: Case, sources: list[Case], hidden: dict, status=200):
    """Both sides of the merge with their customers; different customers need the
    explicit "these are the same person" box (it merges the customers too)."""
    customers = {c.customer_id for c in [target, *sources]}
    return render(
        request,
        "cases/_merge_confirm.html" if request.htmx else "cases/merge_confirm.html",
        {
            "in_dialog": bool(request.htmx),
            "target": target,
            "sources": sources,
            "hidden": hidden,
            "different_customers": len(customers) > 1,
            "action": (
                reverse("cases:bulk")
                if "action" in hidden
                else reverse("cases:merge", args=[sources[0].number])
            ),
        },
        status=status,
    )


@login_required
@require_POST
def split(request, number, message_id):
    case = _case(request, number)
    message = get_object_or_404(case.messages, pk=message_id)
    new = _attempt(request, services.split_message, message, actor=request.user)
    return redirect("cases:detail", number=new.number if new else number)


@login_required
@require_POST
def forward(request, number, message_id):
    """A message of the case (with its attachments) on to another address."""
    case = _case(request, number)
    message = get_object_or_404(case.messages.exclude(direction=Direction.NOTE), pk=message_id)
    try:
        (to,) = compose.addresses(request.POST.get("to", "")) or [""]
        if not to:
            raise ValidationError(_("Write the address to forward to."))
    except ValueError:
        messages.error(request, _("Forward to one address at a time."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        workspace.forward_message(message, to, request.user, request.POST.get("note", ""))
        messages.success(request, _("Forwarded to %(to)s.") % {"to": to})
    return redirect(reverse("cases:detail", args=[case.number]) + f"#m{message.pk}")


@login_required
@require_POST
def retry_delivery(request, number, outbound_id):
    """Send one waiting or failed mail of this case now (after an outage, say)."""
    case = _case(request, number)
    row = get_object_or_404(case.outbound, pk=outbound_id)
    if outbox.retry_now(case.outbound.filter(pk=row.pk)):
        messages.success(request, _("The email is being sent again."))
    else:
        messages.info(request, _("This email is not waiting to be sent."))
    anchor = f"#m{row.case_message_id}" if row.case_message_id else ""
    return redirect(reverse("cases:detail", args=[case.number]) + anchor)


@login_required
@require_POST
def snooze(request, number):
    case = _case(request, number)
    # The menu's choice, or the time the agent typed under "Another time".
    until = parse_datetime(request.POST.get("until_at") or request.POST.get("until", ""))
    if until is not None and timezone.is_naive(until):
        until = timezone.make_aware(until, case.shop.tz)
    state = undo.before(case, "snooze")
    if _attempt(request, services.snooze, case, until, actor=request.user):
        undo.remember(request, case, "snooze", state)
        if until:
            return redirect("cases:queue")
    return redirect("cases:detail", number=number)


@login_required
def attachment(request, number, attachment_id):
    case = _case(request, number)
    from kundsvar.cases import files
    from kundsvar.cases.models import Attachment

    item = get_object_or_404(Attachment, pk=attachment_id, message__case=case)
    inline = item.content_type.startswith("image/") and item.content_type != "image/svg+xml"
    # Streamed from the storage through this view, after the permission check above, on
    # local disk and in an S3 bucket alike: no public or presigned URL leaves the server.
    try:
        handle = files.open_file(item)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=item.content_type if inline else "application/octet-stream"
    )
    # RFC 6266 (filename*=utf-8''…): customers' names have å, dashes and quotes.
    response["Content-Disposition"] = content_disposition_header(not inline, item.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


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
