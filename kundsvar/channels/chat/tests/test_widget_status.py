"""The help widget says, before a chat starts, whether the shop is open now or when it
opens, and what the chat's wait is right now (rules C1, S5)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ..models import ChatSettings
from .factories import shop_with_agents

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _status(client, shop, lang="sv") -> str:
    page = client.get(f"/s/{shop.slug}/help/?lang={lang}").content.decode()
    start = page.index("data-contact-status")
    return page[start : page.index("</div>", start)]


def test_open_now_and_the_chats_wait_before_a_chat_starts(client):
    with time_machine.travel(datetime(2026, 11, 4, 10, 0, tzinfo=STOCKHOLM), tick=False):
        shop, _agents = shop_with_agents(1)  # a Wednesday morning, one agent online
        status = _status(client, shop)
    assert "Öppet nu, till 17.00" in status and "is-open" in status
    assert "Chatt: Du är nummer 1 i kön – mindre än en minut" in status


def test_closed_says_when_it_opens_and_that_nobody_is_in_the_chat(client):
    with time_machine.travel(datetime(2026, 11, 7, 10, 0, tzinfo=STOCKHOLM), tick=False):
        shop, agents = shop_with_agents(0)  # a Saturday: closed, nobody online
        status = _status(client, shop)
        english = _status(client, shop, "en")
    assert "Stängt nu. Öppnar måndag kl. 08.00" in status and "is-closed" in status
    assert "Chatt: ingen är inloggad just nu." in status
    assert "Closed now. Opens Monday at 08:00" in english


def test_a_shop_without_the_chat_shows_only_its_hours(client):
    with time_machine.travel(datetime(2026, 11, 4, 10, 0, tzinfo=STOCKHOLM), tick=False):
        shop, _agents = shop_with_agents(1)
        ChatSettings.objects.create(shop=shop, enabled=False)
        status = _status(client, shop)
    assert "Öppet nu" in status and "Chatt" not in status
