from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

STHLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


def _agent(shop, username, last_name, language):
    return AgentFactory(
        shops=[shop],
        username=username,
        first_name=username.title(),
        last_name=last_name,
        email=f"{username}@nordljus.example",
        language=language,
    )


@pytest.fixture
def anna(shop):
    return _agent(shop, "anna", "Berg", "sv")


@pytest.fixture
def bo(shop):
    return _agent(shop, "bo", "Ek", "en")


@pytest.fixture(autouse=True)
def _monday_morning(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)
