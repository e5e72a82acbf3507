"""`{% chat_section shop language embed token %}`: the way into the chat on the contact
page and in the help widget, with the wait right now (rule S5), when the shop has the
chat on. `{% contact_status shop language %}`: the line at the top of the help widget —
open now or when it opens, and the chat's expected wait — seen before a chat starts.
The pages that show them need not know the chat app."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from kundsvar.channels.form.contact import open_state

from .. import wait

register = template.Library()


@register.simple_tag
def chat_section(shop, language: str, embed: bool = False, token: str = "") -> str:
    settings = wait.settings_for(shop)
    if not settings.enabled:
        return ""
    now = timezone.now()
    load = wait.load_for(shop, now, settings)
    position = wait.waiting(shop).count() + 1
    seconds = wait.estimate(position, load)
    params = {
        "lang": language,
        **({"embed": "1"} if embed else {}),
        **({"t": token} if token else {}),
    }
    with translation.override(language):
        return render_to_string(
            "chat/_section.html",
            {
                "url": f"{reverse('chat:page', args=[shop.slug])}?{urlencode(params)}",
                "online": load.online > 0,
                "wait": str(wait.wait_text(position, seconds)) if seconds is not None else "",
            },
        )


@register.simple_tag
def contact_status(shop, language: str) -> str:
    """ "Öppet nu, till 17.00 · Chatt: Du är nummer 1 i kön – mindre än en minut", or
    "Stängt nu. Öppnar i morgon kl. 08.00" (rules C1, S5)."""
    now = timezone.now()
    settings = wait.settings_for(shop)
    with translation.override(language):
        opening = open_state(shop, now, language)
        chat = ""
        if settings.enabled:
            load = wait.load_for(shop, now, settings)
            position = wait.waiting(shop).count() + 1
            seconds = wait.estimate(position, load)
            chat = str(wait.wait_text(position, seconds)) if seconds is not None else ""
        return render_to_string(
            "chat/_status.html",
            {
                "opening": opening,
                "chat_on": settings.enabled,
                "chat": chat,
                "long": settings.enabled and wait.is_long(seconds, settings) if chat else False,
            },
        )
