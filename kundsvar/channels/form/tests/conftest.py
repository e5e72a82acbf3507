import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kundsvar.shops.tests.factories import ShopFactory

# Monday 23 November 2026, 10:00 in Stockholm (UTC+1): the shop is open 08–17.
MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop(db):
    return ShopFactory(
        name="Nordljus", slug="nordljus", email="kundtjanst@nordljus.example", phone="08-123 456 00"
    )


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


def session_token(response) -> str:
    return re.search(r'name="session" value="([^"]+)"', response.content.decode()).group(1)


def fill(client, clock, shop, query: str = "", **fields) -> dict:
    """Open the contact page like a person, wait a little, and return the POST data."""
    page = client.get(f"/s/{shop.slug}/{query}")
    clock.shift(timedelta(seconds=20))
    data = {
        "session": session_token(page),
        "name": "Karin Lindqvist",
        "email": "karin@example.se",
        "order_number": "",
        "topic": "",
        "message": "Hej! När kommer min jacka? Jag beställde den i fredags.",
        "homepage": "",
    }
    data.update(fields)
    return data
