"""`{% social_composer case %}`: above the composer of a Messenger, Instagram or WhatsApp
case, the platform's window (may the agent write freely, with the HUMAN_AGENT tag, or
only a template), the template chooser, the messages' delivery states and the customers
who may be the same person. Nothing for cases of other channels."""

from django import template
from django.utils import timezone

from kundsvar.channels.social import services, window
from kundsvar.channels.social.forms import TemplateReplyForm
from kundsvar.channels.social.models import Platform, SocialDelivery

register = template.Library()


@register.inclusion_tag("social/_composer.html", takes_context=True)
def social_composer(context, case):
    if case.channel not in Platform.values:
        return {"show": False}
    now = timezone.now()
    open_ = window.for_case(case, now)
    tz = case.shop.tz
    deliveries = list(SocialDelivery.objects.filter(case=case).order_by("-created_at", "-pk")[:10])
    return {
        "show": True,
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "platform": case.get_channel_display(),
        "mode": open_.mode,
        "open_until": timezone.localtime(open_.open_until, tz) if open_.open_until else None,
        "tagged_until": timezone.localtime(open_.tagged_until, tz) if open_.tagged_until else None,
        "template_form": TemplateReplyForm(shop=case.shop) if case.channel == "whatsapp" else None,
        "deliveries": deliveries,
        "failed": any(d.state == "failed" for d in deliveries),
        "suggestions": services.suggestions(case),
    }
