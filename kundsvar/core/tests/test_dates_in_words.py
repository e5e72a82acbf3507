"""Dates in the agent's pages are written the way each language writes them: "tors
3 dec." in Swedish (Django's "M" title-cases the month: "3 Dec"), "Thu 3 Dec" in English."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.models import SpecialDay
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

THURSDAY = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)  # 14:05 in Stockholm


def render(text, language, **context):
    with translation.override(language):
        return Template("{% load dates %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("skeleton", "sv", "en"),
    [
        ("MMMd", "3 dec.", "3 Dec"),
        ("yMMMd", "3 dec. 2026", "3 Dec 2026"),
        ("MMMEd Hm", "tors 3 dec. 14:05", "Thu 3 Dec 14:05"),
        ("yMMMEd Hm", "tors 3 dec. 2026 14:05", "Thu, 3 Dec 2026 14:05"),
    ],
)
def test_the_filter_follows_the_language_and_the_time_zone(skeleton, sv, en):
    template = f'{{{{ moment|day:"{skeleton}" }}}}'
    assert render(template, "sv", moment=THURSDAY) == sv
    assert render(template, "en", moment=THURSDAY) == en


def test_a_date_and_nothing():
    assert render('{{ d|day:"MMMd" }}', "sv", d=date(2026, 1, 6)) == "6 jan."
    assert render('{{ d|day:"MMMd" }}', "sv", d=None) == ""


@pytest.mark.django_db
def test_agent_pages_write_swedish_months_in_lower_case(client):
    shop = ShopFactory(slug="nordljus")
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    SpecialDay.objects.create(shop=shop, date=date(2026, 12, 3), closed=True, note="Inventering")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    with time_machine.travel(THURSDAY, tick=False):
        client.force_login(agent)  # on that day: a session from another day may have expired
        case = open_email_case(shop, THURSDAY)
        pages = [
            client.get(reverse("settings:special_days", args=[shop.slug])),
            client.get(reverse("cases:detail", args=[case.number])),
            client.get(reverse("cases:queue")),
        ]
    html = "".join(p.content.decode() for p in pages)
    assert "tors 3 dec. 2026" in html  # the special day
    assert "tors 3 dec. 2026 14:05" in html  # the message
    assert "Dec" not in html
