"""An agent sets or changes a case's topic on the case page (issue 14); only within the
agent's own shops, with an audit entry, and detection learns from it."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.topics.models import Correction
from kundsvar.topics.tests.factories import seeded

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken")


def test_the_agent_changes_the_topic_on_the_case_page(client, shop):
    agent = AgentFactory(shops=[shop])
    topics = seeded(shop)
    case = open_email_case(shop, T0, subject="", text="Skorna var för stora, hur skickar jag dem?")
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'action="/cases/{case.number}/topic/"' in page
    assert "Trasig eller felaktig vara" in page or "Faulty or damaged item" in page
    response = client.post(f"/cases/{case.number}/topic/", {"topic": topics["return"].pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.topic == topics["return"]
    event = CaseEvent.objects.get(case=case, kind=EventKind.TOPIC)
    assert (event.actor, event.data["source"]) == (agent, "agent")
    assert Correction.objects.get(case_id=case.pk).topic == topics["return"]
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "selected>Retur" in page or "selected>Return" in page


def test_another_shops_topic_or_case_is_refused(client, shop):
    other = ShopFactory()
    agent = AgentFactory(shops=[shop])
    seeded(shop)
    foreign = seeded(other)["refund"]
    case = open_email_case(shop, T0)
    client.force_login(agent)
    client.post(f"/cases/{case.number}/topic/", {"topic": foreign.pk})
    case.refresh_from_db()
    assert case.topic is None
    theirs = open_email_case(other, T0, sender="x@example.se")
    response = client.post(f"/cases/{theirs.number}/topic/", {"topic": foreign.pk})
    assert response.status_code == 404
