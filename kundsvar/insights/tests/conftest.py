"""A shop with known cases for the report tests: every figure below is worked out by
hand from these (shop hours Mon–Fri 08–17 Stockholm, UTC+1 in November)."""

from datetime import UTC, datetime

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases import services as cases
from kundsvar.feedback.services import rate
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Thursday 26 November 2026, 13:00 in Stockholm.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def local(day, hour, minute=0):
    """A November 2026 Stockholm time as UTC (UTC+1)."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


def inbound(at, text="Hej! Var är min order?", sender="kund@example.se"):
    return cases.Inbound(from_address=sender, subject="Fråga", body_text=text, received_at=at)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", slug="nordljus")


@pytest.fixture
def owner(shop):
    owner = AgentFactory(username="owner", first_name="Olle", language="en")
    Membership.objects.create(agent=owner, shop=shop, role=Role.ADMIN)
    return owner


@pytest.fixture
def anna(shop):
    return AgentFactory(shops=[shop], username="anna", first_name="Anna")


@pytest.fixture
def bo(shop):
    return AgentFactory(shops=[shop], username="bo", first_name="Bo")


@pytest.fixture
def known(now, shop, anna, bo):
    """Four cases around the week of Monday 23 November (local times):
    A email, Mon 09:00; Anna answers 11:00 (2 h, 2 business h); the customer follows up
      Tue 10:00, Anna answers 10:30 (30 min); the first answer rated good, with a comment.
    B form, Sun 22 10:00; Bo answers Mon 09:00 (23 h, 1 business h); rated bad.
    C email, Mon 09:10, tagged "retur"; Anna answers 10:50 (1 h 40 min): 10 minutes
      before her answer to A, which so has a handle time of 10 minutes.
    D email, Wed 16:00, still unanswered on Thursday 13:00 (21 h old).
    The good rating's comment is a follow-up on A (Tue 12:00); the bad rating reopens B
    (rule F1, Mon 12:00): both are owed an answer too."""
    a = cases.open_case(shop, "email", inbound(local(23, 9), sender="a@example.se"))
    b = cases.open_case(shop, "form", inbound(local(22, 10), sender="b@example.se"))
    c = cases.open_case(shop, "email", inbound(local(23, 9, 10), sender="c@example.se"))
    cases.set_tags(c, ["retur"], now=local(23, 9, 15))
    cases.reply(b, bo, "Svar B", now=local(23, 9))
    cases.reply(c, anna, "Svar C", now=local(23, 10, 50))
    answer = cases.reply(a, anna, "Svar A", now=local(23, 11))
    cases.add_inbound_message(a, inbound(local(24, 10), "Tack, men?", sender="a@example.se"))
    cases.reply(a, anna, "Svar A2", now=local(24, 10, 30))
    rate(a, answer, "good", "Snabbt och bra", now=local(24, 12))
    b_answer = b.messages.filter(direction="out").get()
    rate(b, b_answer, "bad", "", now=local(23, 12))
    d = cases.open_case(shop, "email", inbound(local(25, 16), sender="d@example.se"))
    return {"a": a, "b": b, "c": c, "d": d}
