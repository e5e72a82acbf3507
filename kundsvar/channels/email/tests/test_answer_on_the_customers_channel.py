"""An answer goes out on the channel the customer used last; email is the other choice
when the customer has an address (C5: one history, whichever way they wrote)."""

from datetime import datetime
from email import message_from_bytes
from email.policy import default
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import queries, services
from kundsvar.cases.services import Inbound
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.customers.services import find_or_create_by_phone
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MON = datetime(2026, 11, 23, 9, 0, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory()


def sms_case(shop, customer):
    inbound = Inbound(from_address="", body_text="Var är mitt paket?", received_at=MON)
    return services.open_case(shop, "sms", inbound, customer=customer)


def test_an_email_is_answered_by_email_and_only_by_email(shop):
    case = open_email_case(shop, MON)
    assert queries.reply_channels(case) == ["email"]
    with pytest.raises(services.CaseError):
        services.reply(case, AgentFactory(shops=[shop]), "Hej!", channel="sms", now=MON)


def test_an_sms_from_someone_without_email_can_only_be_answered_by_sms(shop):
    # The SMS itself going out is the phone channel's test (channels/phone/tests).
    customer = find_or_create_by_phone(shop, "070-123 45 67")
    case = sms_case(shop, customer)
    assert queries.reply_channels(case) == ["sms"]
    with pytest.raises(services.CaseError):
        services.reply(case, AgentFactory(shops=[shop]), "Hej!", channel="email", now=MON)


def test_the_agent_may_answer_an_sms_by_email_to_the_known_address(shop):
    by_mail = open_email_case(shop, MON, sender="anna@example.se")
    services.reply(by_mail, AgentFactory(shops=[shop]), "Hej!", now=MON)
    case = sms_case(shop, by_mail.customer)
    assert queries.reply_channels(case) == ["sms", "email"]
    answer = services.reply(
        case,
        AgentFactory(shops=[shop]),
        "Hej Anna! Paketet kommer i morgon.",
        channel="email",
        now=MON,
    )
    assert answer.channel == "email"
    mail = OutboundEmail.objects.get(case_message=answer)
    assert mail.to_address == "anna@example.se"
    text = message_from_bytes(bytes(mail.mime), policy=default).get_body(("plain",))
    assert "Var är mitt paket?" in text.get_content()  # the SMS is quoted (R3)
