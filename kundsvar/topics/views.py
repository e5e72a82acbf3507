"""The shop's topics and their response times as one grid: a row per topic, a column per
channel, each cell the topic's first-response target there in working minutes, empty for
the shop's own policy (S1–S3)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases.models import Channel
from kundsvar.sla.models import LOST_CUSTOMER_MINUTES

from . import services
from .models import TopicPolicy

# "" is every channel; the platforms of the same kind share the social column's place.
COLUMNS = ("", "email", "form", "chat", "phone", "sms", "messenger", "instagram", "whatsapp")


def _cell(topic_id: int, channel: str) -> str:
    return f"t{topic_id}_{channel or 'all'}"


@shop_admin_required
def grid(request, shop):
    topics = list(shop.topics.order_by("position", "id"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {}
        for topic in topics:
            for channel in COLUMNS:
                raw = request.POST.get(_cell(topic.pk, channel), "").strip()
                minutes = int(raw) if raw.isdigit() else None
                if raw and (minutes is None or not 0 < minutes <= LOST_CUSTOMER_MINUTES):
                    errors[_cell(topic.pk, channel)] = raw
                values[(topic.pk, channel)] = minutes
        if not errors:
            services.set_policies(shop, values)
            messages.success(request, _("Response times per topic saved."))
            return redirect("settings:topics", shop.slug)
        messages.error(
            request,
            _(
                "A response time is whole minutes, from 1 up to 48 hours (2880): "
                "a customer who waits longer is lost."
            ),
        )
    current = {
        (p.topic_id, p.channel): p.first_response_minutes
        for p in TopicPolicy.objects.filter(topic__shop=shop)
    }
    language = translation.get_language() or "sv"
    channels = dict(Channel.choices)
    rows = [
        {
            "topic": topic,
            "name": topic.name(language),
            "cells": [
                {
                    "name": _cell(topic.pk, channel),
                    "value": request.POST.get(_cell(topic.pk, channel), "")
                    if errors
                    else current.get((topic.pk, channel), ""),
                    "error": _cell(topic.pk, channel) in errors,
                    "label": f"{topic.name(language)}: {channels.get(channel, _('Every channel'))}",
                }
                for channel in COLUMNS
            ],
        }
        for topic in topics
    ]
    return render(
        request,
        "topics/grid.html",
        {
            "shop": shop,
            "rows": rows,
            "columns": [channels.get(c, _("Every channel")) for c in COLUMNS],
            "section": "topics",
        },
    )


@shop_admin_required
@require_POST
def seed(request, shop):
    created = services.seed_defaults(shop)
    messages.success(request, _("%(count)d topics added.") % {"count": len(created)})
    return redirect("settings:topics", shop.slug)
