"""The notification digest: one function, three templates (subject, text, html)."""

from email.message import EmailMessage

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kundsvar.channels.outbox import staff_mail


def digest(agent, notifications: list) -> EmailMessage:
    """The agent's unread notifications, in the agent's language, newest last. Sent from
    the address of the shop of the newest one (the shop's staff mail path)."""
    from .services import title

    shop = notifications[-1].case.shop
    with translation.override(agent.language or settings.LANGUAGE_CODE):
        items = [
            {
                "title": title(n),
                "text": n.text,
                "at": timezone.localtime(n.created_at, shop.tz),
                "link": f"{settings.SITE_URL}{reverse('cases:detail', args=[n.case.number])}",
            }
            for n in notifications
        ]
        context = {
            "agent": agent,
            "items": items,
            "count": len(items),
            "settings_link": f"{settings.SITE_URL}{reverse('notifications:settings')}",
        }
        subject = render_to_string("emails/notification_digest_subject.txt", context)
        text = render_to_string("emails/notification_digest.txt", context)
        html = render_to_string("emails/notification_digest.html", context)
    return staff_mail(
        sender=("Kundsvar", shop.email),
        agent=agent,
        subject=subject,
        text=text,
        html=html,
        tag="digest",
    )
