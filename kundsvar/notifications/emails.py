"""The notification digest: one function, three templates (subject, text, html)."""

import email.policy
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


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
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr(("Kundsvar", shop.email))
    message["To"] = formataddr((agent.get_full_name(), agent.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    domain = shop.email.rpartition("@")[2]
    message["Message-ID"] = f"<{secrets.token_hex(16)}.digest@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
