"""The honest "we need until …" email (rule A4): sent once, before a promise that the
queue shows will be missed passes. Three templates, `emails/delay_notice*`, in the
customer's language (sv, en, da, nb)."""

import email.policy
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kundsvar.core.language import promise_language

from .promise import moment_text, promise_text


def delay_notice(case, new_due_at, *, to: str, in_reply_to: str = "") -> EmailMessage:
    language = promise_language(case.language)
    shop = case.shop
    with translation.override(language):
        context = {
            "case": case,
            "shop": shop,
            "customer_name": case.customer.first_name,
            "promise": promise_text(case.due_at, case.language, shop.tz),
            "new_promise": moment_text(new_due_at, case.language, shop.tz),
        }
        subject = render_to_string("emails/delay_notice_subject.txt", context)
        text = render_to_string("emails/delay_notice.txt", context)
        html = render_to_string("emails/delay_notice.html", context)
    domain = shop.email.rpartition("@")[2]
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = formataddr((shop.name, shop.email))
    message["To"] = to
    message["Reply-To"] = formataddr((shop.name, shop.email))
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<{secrets.token_hex(16)}.k{case.number}@{domain}>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    # Automatic: an out-of-office reply to it must not come back as a question.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
