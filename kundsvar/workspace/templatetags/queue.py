"""Small filters for the queue's one-line rows."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

CHANNEL_ICONS = {
    "email": "✉",
    "form": "▤",
    "chat": "💬",
    "phone": "☎",
    "sms": "✆",
    "messenger": "ⓜ",
    "instagram": "◎",
    "whatsapp": "ⓦ",
    "social": "◎",
    "api": "⇄",
}


@register.filter
def countdown(due, now) -> str:
    """A promise as a short countdown: "2 h 05", "35 min", "3 d 4 h"; "−" when late."""
    if not due or not now:
        return ""
    seconds = int((due - now).total_seconds())
    sign = "−" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d}"
    return f"{sign}{minutes} min"


@register.filter
def channel_icon(code: str) -> str:
    return CHANNEL_ICONS.get(code, "•")


@register.filter
def initials(agent) -> str:
    if agent is None:
        return ""
    name = (agent.get_full_name() or agent.get_username()).split()
    return "".join(part[0] for part in name[:2]).upper()


@register.simple_tag
def view_label(view: str) -> str:
    return {
        "open": _("All open"),
        "mine": _("Mine"),
        "unassigned": _("Unassigned"),
        "risk": _("At risk / late"),
        "waiting": _("Waiting / answered"),
        "snoozed": _("Snoozed"),
        "closed": _("Closed"),
    }.get(view, view)


@register.filter
def make_list_words(value: str) -> list[str]:
    return value.split()
