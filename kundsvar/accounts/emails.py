"""Mail to an agent about their own account. One function per mail, three templates each."""

import email.policy
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Membership


def _sender(agent) -> tuple[str, str]:
    """From the agent's first shop (its SMTP server, if it has one, carries the mail);
    else the installation's DEFAULT_FROM_EMAIL."""
    membership = (
        Membership.objects.filter(agent=agent).select_related("shop").order_by("pk").first()
    )
    if membership and membership.shop.email:
        return f"Kundsvar · {membership.shop.name}", membership.shop.email
    return "Kundsvar", settings.DEFAULT_FROM_EMAIL


def password_reset(agent, link: str) -> EmailMessage:
    """The "Forgot your password?" link, valid PASSWORD_RESET_TIMEOUT seconds, once."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    context = {"agent": agent, "link": link, "minutes": minutes}
    with translation.override(agent.language or settings.LANGUAGE_CODE):
        subject = render_to_string("emails/password_reset_subject.txt", context)
        text = render_to_string("emails/password_reset.txt", context)
        html = render_to_string("emails/password_reset.html", context)
    name, address = _sender(agent)
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr((name, address))
    message["To"] = formataddr((agent.get_full_name(), agent.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<{secrets.token_hex(16)}.reset@{address.rpartition('@')[2]}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
