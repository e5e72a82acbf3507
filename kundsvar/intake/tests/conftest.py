from datetime import UTC, datetime

import pytest

from kundsvar.cases.services import Inbound
from kundsvar.shops.tests.factories import ShopFactory

# Monday 23 November 2026, 10:00 in Stockholm.
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SHOP_ADDRESS = "kundtjanst@natbutiken.se"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(T0, tick=True)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", email=SHOP_ADDRESS)


def inbound(**fields) -> Inbound:
    values = {
        "from_address": "karin@example.se",
        "from_name": "Karin Lindqvist",
        "subject": "Leveranstid jacka",
        "body_text": "Hej! När kommer min jacka?",
        "received_at": T0,
    }
    return Inbound(**{**values, **fields})
