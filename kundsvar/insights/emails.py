"""The weekly report mail to a shop's admin (opt-in, `models.WeeklyMail`): last week's
overview figures against the week before, in the admin's own language, with a link to
the overview. Three templates, `emails/weekly_report*`."""

from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundsvar.channels.outbox import staff_mail

from . import pages
from .reports import Period, Report


def weekly_report(agent, shop, monday: date) -> EmailMessage:
    """The week Monday–Sunday starting `monday` (shop's days), for `agent`."""
    period = Period(monday, monday + timedelta(days=6), "custom")
    query = urlencode({"period": "custom", "start": period.start, "end": period.end})
    link = f"{settings.SITE_URL}{reverse('insights:dashboard', args=[shop.slug])}?{query}"
    with translation.override(agent.language or settings.LANGUAGE_CODE):
        cards = pages.figures(Report(shop, period))
        for card in cards:
            card["href"] = f"{settings.SITE_URL}{card['href']}" if card.get("href") else ""
        context = {"agent": agent, "shop": shop, "period": period, "cards": cards, "link": link}
        subject = render_to_string("emails/weekly_report_subject.txt", context)
        text = render_to_string("emails/weekly_report.txt", context)
        html = render_to_string("emails/weekly_report.html", context)
    return staff_mail(
        sender=(f"Kundsvar · {shop.name}", shop.email),
        agent=agent,
        subject=subject,
        text=text,
        html=html,
        tag="weekly",
    )
