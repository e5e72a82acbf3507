"""The composer answers on the channel the customer wrote on last and offers email when the
customer has an address; each message shows its channel (C5)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from kundsvar.cases import services
from kundsvar.cases.models import Direction
from kundsvar.cases.services import Inbound
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_an_sms_case_can_be_answered_by_email_from_the_composer(client, time_machine):
    time_machine.move_to(MON, tick=False)
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop], language="en")
    customer = open_email_case(shop, MON, sender="anna@example.se").customer
    sms = Inbound(from_address="", body_text="Var är mitt paket?", received_at=MON)
    case = services.open_case(shop, "sms", sms, customer=customer)
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert '<select name="channel">' in page and 'value="email"' in page
    assert 'class="channel channel-sms"' in page

    client.post(
        reverse("cases:reply", args=[case.number]),
        {"body": "Hej Anna!", "then": "answered", "channel": "email"},
    )
    answer = case.messages.get(direction=Direction.OUTBOUND)
    assert answer.channel == "email"

    refused = client.post(
        reverse("cases:reply", args=[case.number]),
        {"body": "Hej igen", "then": "answered", "channel": "whatsapp"},
    )
    assert refused.status_code == 400
    assert case.messages.filter(direction=Direction.OUTBOUND).count() == 1
