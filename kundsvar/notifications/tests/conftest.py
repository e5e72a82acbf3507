from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

STHLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


@pytest.fixture
def anna(shop):
    return AgentFactory(
        shops=[shop],
        username="anna",
        first_name="Anna",
        last_name="Berg",
        email="anna@nordljus.example",
        language="sv",
    )


@pytest.fixture
def bo(shop):
    return AgentFactory(
        shops=[shop],
        username="bo",
        first_name="Bo",
        last_name="Ek",
        email="bo@nordljus.example",
        language="en",
    )


@pytest.fixture(autouse=True)
def _monday_morning(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)
