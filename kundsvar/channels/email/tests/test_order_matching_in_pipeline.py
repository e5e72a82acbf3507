"""Rules C4 and A6: every mail that comes in is matched to its order before the
acknowledgement is built, and a matching failure never loses the mail."""

from datetime import UTC, datetime

import pytest

from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind, RawState
from kundsvar.channels.email.tests.mails import SHOP_ADDRESS, mail
from kundsvar.commerce import matching
from kundsvar.commerce.models import CaseOrder
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(T0, tick=True)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", email=SHOP_ADDRESS)


def receive(shop, raw):
    return pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)


def test_a_new_mail_is_matched_to_its_order(shop):  # C4, T3
    order = OrderFactory(shop=shop, number="100231", email="karin@example.se")
    row = receive(shop, mail())  # "Hej! När kommer min jacka? Order 100231." from karin@
    link = CaseOrder.objects.get(case=row.case_message.case)
    assert link.order == order
    assert link.certain
    assert link.reasons == ["order_number", "email"]


def test_a_reply_on_the_case_is_matched_too(shop):  # C4
    order = OrderFactory(shop=shop, number="555001", email="karin@example.se")
    first = receive(
        shop,
        mail(
            sender="Karin <karin@jobbet.example>",
            subject="Jacka",
            body="Var är min jacka?",
            message_id="<a@jobbet.example>",
        ),
    )
    case = first.case_message.case
    assert not CaseOrder.objects.filter(case=case).exists()
    receive(
        shop,
        mail(
            sender="Karin <karin@jobbet.example>",
            subject="Re: Jacka",
            body="Ordernummer 555001 förresten.",
            in_reply_to="<a@jobbet.example>",
            message_id="<b@jobbet.example>",
        ),
    )
    assert CaseOrder.objects.get(case=case).order == order


def test_a_matching_failure_never_loses_the_mail(shop, monkeypatch):  # A6
    def broken(case, **kwargs):
        raise RuntimeError("order database unreachable")

    monkeypatch.setattr(matching, "match_case", broken)
    row = receive(shop, mail())
    assert row.state == RawState.PROCESSED
    case = row.case_message.case
    assert OutboundEmail.objects.filter(case=case, kind=OutboundKind.ACK).exists()
