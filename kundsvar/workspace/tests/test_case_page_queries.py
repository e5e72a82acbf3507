"""The case page costs the same number of queries however long the conversation, however
many orders and earlier cases the customer has (issue 16: constant queries per page)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
SENDER = "karin@example.se"
CEILING = 34


def _grow(shop, agent, case, n: int) -> None:
    now = timezone.now()
    for i in range(n):
        write_again(case, now - timedelta(minutes=50 - i), text=f"Fråga {i}")
        services.add_note(case, agent, f"Anteckning {i}")
        order = OrderFactory(shop=shop, customer=case.customer, email=SENDER)
        OrderLineFactory(order=order)
        ShipmentFactory(order=order)
        earlier = open_email_case(shop, now - timedelta(days=10 + i), sender=SENDER)
        services.reply(earlier, agent, "Klart.", then="closed")


def _count(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow():
    shop = ShopFactory(name="Nordljus")
    agent = AgentFactory(shops=[shop], first_name="Anna")
    client = Client()
    client.force_login(agent)
    case = open_email_case(shop, timezone.now() - timedelta(hours=1), sender=SENDER)
    services.reply(case, agent, "Vi kollar.", then="waiting")
    _grow(shop, agent, case, 1)
    _count(client, case)  # warm caches (content types, sessions)
    few = _count(client, case)
    _grow(shop, agent, case, 9)  # 2 messages, orders and earlier cases → 20 of each
    assert case.messages.count() >= 20
    many = _count(client, case)
    assert many == few
    # 45 before issue 16, 43 with the draft's lookup, 37 once the conversation is read
    # once (composer, reply channels and FAQ panel take it from there) and the "seen"
    # mark is one upsert, 34 with the shop's agents and the admin check in one query and
    # one for "any calls or texts?" without a phone: the session, 2FA, the access log and
    # each panel's own lookups (orders, parcels, returns, FAQ) remain.
    assert few <= CEILING, few
