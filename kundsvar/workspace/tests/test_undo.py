"""Undo on the case page (issue 16): assignment, status, tags and snooze go back through
the services within the toast's ten seconds; later, or someone else's, does nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.models import CaseEvent, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import undo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="sv")


@pytest.fixture
def case(shop):
    return open_email_case(shop, timezone.now() - timedelta(hours=1))


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def _undo(client, case):
    token = client.session[undo.KEY]["token"]
    return client.post(reverse("cases:undo", args=[case.number]), {"token": token})


def test_the_toast_offers_angra_and_undo_puts_the_assignee_back(logged_in, case, agent, shop):
    bo = AgentFactory(shops=[shop], first_name="Bo")
    services.assign(case, bo, actor=agent)
    logged_in.post(reverse("cases:assign", args=[case.number]), {"assignee": "me"})
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Ångra" in page
    _undo(logged_in, case)
    case.refresh_from_db()
    assert case.assignee == bo
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 3  # audited


def test_undo_status_tags_and_snooze(logged_in, case):
    was = case.status
    logged_in.post(reverse("cases:status", args=[case.number]), {"status": Status.CLOSED})
    _undo(logged_in, case)
    case.refresh_from_db()
    assert case.status == was

    services.set_tags(case, ["retur"])
    logged_in.post(reverse("cases:tags", args=[case.number]), {"tags": "retur, faktura"})
    _undo(logged_in, case)
    assert list(case.tags.values_list("name", flat=True)) == ["retur"]

    until = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    logged_in.post(reverse("cases:snooze", args=[case.number]), {"until": until.isoformat()})
    _undo(logged_in, case)
    case.refresh_from_db()
    assert case.snoozed_until is None


def test_too_late_or_a_wrong_token_changes_nothing(logged_in, case):
    logged_in.post(reverse("cases:status", args=[case.number]), {"status": Status.CLOSED})
    wrong = logged_in.post(reverse("cases:undo", args=[case.number]), {"token": "nope"})
    assert wrong.status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert "data-undo" not in page  # the toast is gone
        _undo(logged_in, case)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_undo_is_for_the_cases_own_agents(client, logged_in, case):
    logged_in.post(reverse("cases:status", args=[case.number]), {"status": Status.CLOSED})
    token = logged_in.session[undo.KEY]["token"]
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    response = client.post(reverse("cases:undo", args=[case.number]), {"token": token})
    assert response.status_code == 404
