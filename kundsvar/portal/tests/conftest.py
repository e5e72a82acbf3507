from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Monday 23 November 2026, 10:00 in Stockholm: the shop is open.
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0 + timedelta(hours=1), tick=True)


@pytest.fixture
def shop(db):
    return ShopFactory(
        name="Nordljus", slug="nordljus", email="kundtjanst@nordljus.example", phone="08-123 456 00"
    )


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", last_name="Berg")


@pytest.fixture
def answered(shop, agent, frozen):
    """A case answered by Anna, with an internal note the customer must never see."""
    case = open_email_case(
        shop,
        T0,
        sender="Karin <karin@example.se>",
        from_name="Karin",
        text="Hej! När kommer min jacka?",
    )
    services.add_note(
        case, agent, "Intern: kunden är VIP, ge rabatt", now=T0 + timedelta(minutes=5)
    )
    answer = services.reply(
        case, agent, "Hej Karin! Jackan skickas i dag.", now=T0 + timedelta(minutes=20)
    )
    case.refresh_from_db()
    return case, answer
