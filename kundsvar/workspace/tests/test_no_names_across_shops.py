"""An agent of one shop who names another shop's agent or case (by id or number, in a page
or the API) gets the same generic 404 as for one that does not exist: no error message
ever shows who works elsewhere or what their cases are about."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from kundsvar.accounts.services import issue_token
from kundsvar.cases import services
from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.chat import services as chat
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SECRETS = ["Bertil", "Hemligsson", "Fjällbutiken", "Hemlig fråga"]


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=True)
    mine, theirs = ShopFactory(name="Nordljus"), ShopFactory(name="Fjällbutiken")
    alice = AgentFactory(shops=[mine], first_name="Alice")
    bertil = AgentFactory(shops=[theirs], first_name="Bertil", last_name="Hemligsson")
    case = open_email_case(mine, NOW)
    their_case = open_email_case(theirs, NOW, subject="Hemlig fråga", text="Hemlig fråga")
    client = Client()
    client.force_login(alice)
    return {"alice": alice, "bertil": bertil, "case": case, "theirs": their_case, "client": client}


def shows_nothing(response) -> bool:
    text = response.content.decode()
    return not any(secret in text for secret in SECRETS)


def test_assigning_my_case_to_another_shops_agent_is_not_found(world):
    client, case = world["client"], world["case"]
    response = client.post(f"/cases/{case.number}/assign/", {"assignee": world["bertil"].pk})
    assert response.status_code == 404 and shows_nothing(response)
    case.refresh_from_db()
    assert case.assignee is None


def test_bulk_assigning_to_another_shops_agent_names_no_one(world):
    client, case = world["client"], world["case"]
    response = client.post(
        "/cases/bulk/",
        {"cases": [case.number], "action": "assign", "assignee": world["bertil"].pk},
        follow=True,
    )
    assert shows_nothing(response)
    assert "That agent does not work for this shop." in response.content.decode() or (
        "Den handläggaren arbetar inte för den här butiken." in response.content.decode()
    )
    case.refresh_from_db()
    assert case.assignee is None


def test_the_service_refuses_without_a_name(world):
    with pytest.raises(services.CaseError) as refused:
        services.assign(world["case"], world["bertil"])
    assert not any(secret in str(refused.value) for secret in SECRETS)


def test_transferring_a_chat_to_another_shops_agent_is_not_found(world):
    started = chat.start(world["case"].shop, chat.Line("Hej!"), name="Kund")
    number = started.case.number
    response = world["client"].post(f"/cases/chat/{number}/transfer/", {"to": world["bertil"].pk})
    assert response.status_code == 404 and shows_nothing(response)
    with pytest.raises(chat.ChatError) as refused:
        chat.transfer(started, world["alice"], world["bertil"])
    assert not any(secret in str(refused.value) for secret in SECRETS)


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/cases/{n}/", None),
        ("post", "/cases/{n}/assign/", {"assignee": "me"}),
        ("post", "/cases/{n}/note/", {"body": "x"}),
        ("post", "/cases/{n}/merge/", {"into": "1"}),
        ("post", "/cases/chat/{n}/transfer/", {"to": "1"}),
    ],
)
def test_another_shops_case_is_not_found_in_the_pages(world, method, path, data):
    number = world["theirs"].number
    response = getattr(world["client"], method)(path.format(n=number), data or {})
    assert response.status_code == 404 and shows_nothing(response)


def test_merging_into_another_shops_case_says_only_not_here(world):
    response = world["client"].post(
        f"/cases/{world['case'].number}/merge/",
        {"into": world["theirs"].number, "confirm": "1"},
        follow=True,
    )
    assert shows_nothing(response)
    assert Case.objects.get(pk=world["case"].pk).merged_into_id is None


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/cases/{n}", None),
        ("post", "/api/v1/cases/{n}/assign", {"agent_id": None}),
        ("post", "/api/v1/cases/{n}/notes", {"body": "x"}),
        ("post", "/api/v1/cases/{mine}/assign", {"agent_id": "bertil"}),
    ],
)
def test_another_shops_case_or_agent_is_not_found_in_the_api(world, method, path, data):
    _row, secret = issue_token(world["alice"], "test", "write", None)
    if data and data.get("agent_id") == "bertil":
        data = {"agent_id": world["bertil"].pk}
    url = path.format(n=world["theirs"].number, mine=world["case"].number)
    kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if method == "post":
        response = Client().post(url, json.dumps(data), **kwargs)
    else:
        response = Client().get(url, **kwargs)
    assert response.status_code == 404 and shows_nothing(response)
    assert response.json()["error"]["code"] == "not_found"
    assert Case.objects.get(pk=world["case"].pk).assignee is None
