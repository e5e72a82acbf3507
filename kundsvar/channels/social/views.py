"""Pages and actions for Messenger, Instagram and WhatsApp: the settings page that
connects each platform, and the agent's actions beside the composer."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases import queries
from kundsvar.cases.services import CaseError
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.customers.models import Customer

from . import graph, outbox, services
from .forms import ConnectionForm, TemplateForm, TemplateReplyForm
from .models import Connection, Platform, SocialDelivery, WhatsAppTemplate


def _case(request, number):
    return get_object_or_404(
        queries.cases_for(request.user).select_related("shop", "customer"), number=number
    )


@login_required
@require_POST
def template_reply(request, number):
    case = _case(request, number)
    form = TemplateReplyForm(request.POST, shop=case.shop)
    if not form.is_valid():
        messages.error(request, _("Choose a template."))
        return redirect("cases:detail", number=number)
    try:
        services.reply_with_template(
            case,
            request.user,
            form.cleaned_data["template"],
            parameters=form.cleaned_data["parameters"],
            then=form.cleaned_data["then"],
        )
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Template sent to %(who)s.") % {"who": case.customer})
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def link_customer(request, number):
    case = _case(request, number)
    other = get_object_or_404(Customer, pk=request.POST.get("customer") or 0, shop=case.shop_id)
    if other.pk not in {c.pk for c, _why in services.suggestions(case)}:
        messages.error(request, _("That customer is not one of the suggestions."))
        return redirect("cases:detail", number=number)
    try:
        services.link_customer(case, request.user, other)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Linked: one customer history."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def retry(request, number):
    case = _case(request, number)
    count = outbox.retry_now(SocialDelivery.objects.filter(case=case))
    messages.success(request, _("%(n)s messages are being sent again.") % {"n": count})
    return redirect("cases:detail", number=number)


# -- settings -----------------------------------------------------------------------------


@shop_admin_required
def overview(request, shop):
    connections = {c.platform: c for c in Connection.objects.filter(shop=shop)}
    failed = SocialDelivery.objects.filter(case__shop=shop, state="failed").select_related("case")
    # Webhook bodies that could not be processed (kept, retried, then given up): shown here.
    stuck = InboundHook.objects.filter(shop=shop, provider="meta").exclude(state=HookState.DONE)
    return render(
        request,
        "social/settings.html",
        {
            "shop": shop,
            "section": "social",
            "platforms": [(p, connections.get(p.value)) for p in Platform],
            "failed": failed.order_by("-created_at")[:20],
            "stuck": stuck.order_by("-received_at")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@shop_admin_required
def connection(request, shop, platform):
    instance = Connection.objects.filter(shop=shop, platform=platform).first()
    form = ConnectionForm(request.POST or None, instance=instance, platform=platform)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "test" and instance is not None:
            return _test(request, shop, instance)
        if action == "delete" and instance is not None:
            services.delete_connection(instance)
            messages.success(request, _("Disconnected."))
            return redirect("settings:social", shop.slug)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.save_connection(shop, platform, data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Saved. Secrets are not shown again."))
                return redirect(f"settings:social_{platform}", shop.slug)
    templates = WhatsAppTemplate.objects.filter(shop=shop) if platform == "whatsapp" else None
    webhook = (
        settings.SITE_URL + reverse("social_hooks:meta", args=[instance.webhook_key])
        if instance
        else ""
    )
    return render(
        request,
        "social/connection.html",
        {
            "shop": shop,
            "section": "social",
            "platform": Platform(platform),
            "connection": instance,
            "form": form,
            "webhook": webhook,
            "templates": templates,
            "template_form": TemplateForm() if platform == "whatsapp" else None,
        },
    )


def _test(request, shop, instance):
    try:
        account = services.check_connection(instance)
    except graph.GraphError as error:
        messages.error(request, _("The platform said: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Connected: %(account)s.") % {"account": account})
    return redirect(f"settings:social_{instance.platform}", shop.slug)


@require_POST
@shop_admin_required
def template_add(request, shop):
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            services.save_template(shop, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Template added."))
    else:
        messages.error(request, _("Give the template's name, language and text."))
    return redirect("settings:social_whatsapp", shop.slug)


@require_POST
@shop_admin_required
def template_delete(request, shop, pk):
    services.delete_template(get_object_or_404(WhatsAppTemplate, pk=pk, shop=shop))
    messages.success(request, _("Template removed."))
    return redirect("settings:social_whatsapp", shop.slug)
