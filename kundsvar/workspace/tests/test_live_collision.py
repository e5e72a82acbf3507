"""The case page's live notice: the page says where its agent is (viewing, typing,
left) and the signal goes to the case's stream for colleagues' open pages; only agents
who may open the case may signal or listen."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.urls import reverse

from kundsvar.cases.models import CaseView
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import collision

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 13, 0, tzinfo=UTC), tick=False)
    shop = ShopFactory()
    anna = AgentFactory(shops=[shop], username="anna", first_name="Anna")
    stranger = AgentFactory(shops=[ShopFactory()], username="sten")
    case = open_email_case(shop, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    return case, anna, stranger


def test_typing_and_viewing_go_to_the_cases_stream(client, world):
    case, anna, _stranger = world
    client.force_login(anna)
    url = reverse("cases:here", args=[case.number])
    with mock.patch("kundsvar.workspace.collision.live.signal") as signal:
        assert client.post(url, {"state": "typing"}).status_code == 200
        assert client.post(url, {"state": "viewing", "hello": "1"}).status_code == 200
        assert client.post(url, {"state": "shouting"}).status_code == 400
    assert signal.call_args_list == [
        mock.call(f"case.{case.pk}", "typing", {"agent": anna.pk, "name": "Anna", "hello": False}),
        mock.call(f"case.{case.pk}", "viewing", {"agent": anna.pk, "name": "Anna", "hello": True}),
    ]
    assert CaseView.objects.filter(case=case, agent=anna).exists()  # the polled notice agrees


def test_an_agent_of_another_shop_can_neither_signal_nor_listen(client, world):
    case, _anna, stranger = world
    client.force_login(stranger)
    with mock.patch("kundsvar.workspace.collision.live.signal") as signal:
        response = client.post(reverse("cases:here", args=[case.number]), {"state": "typing"})
    assert response.status_code == 404
    signal.assert_not_called()
    # The stream's access check (run on a live thread by the async view).
    assert collision._case_id(stranger.pk, False, case.number) is None
    assert collision._case_id(case.assignee_id or 0, True, case.number) == case.pk
