"""Public holidays on the settings page are named in the page's language when the
holidays package has it, else in the country's own language — never English on a
Swedish page."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False):
        yield


def page(client, country, language) -> str:
    shop = ShopFactory(slug=f"butik-{country.lower()}", country=country)
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("settings:special_days", args=[shop.slug])).content.decode()


def test_swedish_holidays_in_swedish(client):
    html = page(client, "SE", "sv")
    for name in ("Julafton", "Juldagen", "Annandag jul", "Nyårsafton", "Trettondedag jul"):
        assert f"<td>{name}</td>" in html
    assert "Christmas" not in html and "New Year" not in html


def test_swedish_holidays_in_english_for_an_english_page(client):
    html = page(client, "SE", "en")
    assert "<td>Christmas Day</td>" in html
    assert "Juldagen" not in html


def test_norwegian_holidays_on_a_swedish_page_in_norwegian(client):
    html = page(client, "NO", "sv")
    assert "<td>Første juledag</td>" in html
    assert "<td>Julafton</td>" in html  # a day off we add ourselves, in the page's language
    assert "Christmas" not in html and "New Year" not in html
