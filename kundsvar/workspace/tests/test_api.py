"""The cases API: who may do what, the single error shape, and each route's behaviour.

Named actors (hc style): alice works for shop A, bob for shop B, root is a superuser.
A case of a shop the agent does not work for is a 404, exactly like a missing one.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kundsvar.accounts.models import ApiToken
from kundsvar.cases import services
from kundsvar.cases.models import Case, CaseEvent, Direction, EventKind, Status, Tag
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
API = "/api/v1"


@pytest.fixture
def shop_a():
    return ShopFactory(name="Nätbutiken", slug="natbutiken")


@pytest.fixture
def shop_b():
    return ShopFactory(name="Andra butiken", slug="andra")


@pytest.fixture
def alice(shop_a):
    return AgentFactory(shops=[shop_a], first_name="Alice", last_name="Ahl")


@pytest.fixture
def bob(shop_b):
    return AgentFactory(shops=[shop_b], first_name="Bob")


@pytest.fixture
def root():
    return AgentFactory(first_name="Root", is_superuser=True, is_staff=True)


def bearer(agent) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(agent, 'test')[1]}"}


@pytest.fixture
def as_alice(alice):
    return bearer(alice)


@pytest.fixture
def as_bob(bob):
    return bearer(bob)


@pytest.fixture
def as_root(root):
    return bearer(root)


@pytest.fixture
def case(shop_a):
    return open_email_case(shop_a, timezone.now() - timedelta(minutes=5))


class Api:
    """The Django test client with JSON bodies and an Authorization header."""

    def __init__(self, client):
        self.client = client

    def get(self, path, headers=None, **params):
        return self.client.get(API + path, params, headers=headers or {})

    def post(self, path, body=None, headers=None):
        return self.client.post(
            API + path, body, content_type="application/json", headers=headers or {}
        )


@pytest.fixture
def api(client):
    return Api(client)


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# --- every route × every actor ----------------------------------------------------------

ROUTES = {
    # name: (method, path, body, status for a member or superuser, status for another shop)
    "list": ("get", "/cases", None, 200, 200),
    "create": ("post", "/cases", {"shop": "natbutiken", "text": "Hej! Var är paketet?"}, 201, 404),
    "get": ("get", "/cases/{number}", None, 200, 404),
    "reply": ("post", "/cases/{number}/replies", {"body": "Hej! Det kommer i morgon."}, 201, 404),
    "note": ("post", "/cases/{number}/notes", {"body": "Kollat med lagret."}, 201, 404),
    "assign": ("post", "/cases/{number}/assign", {"agent_id": None}, 200, 404),
    "status": ("post", "/cases/{number}/status", {"status": "waiting"}, 200, 404),
}


def call(api, route, case, headers):
    method, path, body, *_ = ROUTES[route]
    path = path.format(number=case.number)
    return api.get(path, headers) if method == "get" else api.post(path, body, headers)


@pytest.mark.parametrize("route", ROUTES)
def test_without_a_token_every_route_is_401(api, case, route):
    assert_error(call(api, route, case, {}), 401, "unauthorized")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "header",
    [
        "Bearer ks_not-a-real-token",
        "Bearer ",
        "Token x",
        "Basic YWxpY2U6cHc=",
        "Bearer " + "ks_" + "x" * 500,
    ],
)
def test_a_wrong_token_is_401(api, case, route, header):
    assert_error(call(api, route, case, {"Authorization": header}), 401, "unauthorized")


@pytest.mark.parametrize("route", ROUTES)
def test_a_revoked_token_is_401(api, case, alice, route):
    row, token = ApiToken.issue(alice, "old laptop")
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    response = call(api, route, case, {"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", ROUTES)
def test_the_token_of_a_deactivated_agent_is_401(api, case, alice, as_alice, route):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert_error(call(api, route, case, as_alice), 401, "unauthorized")


@pytest.mark.parametrize("route", ROUTES)
def test_an_agent_of_the_shop_may_use_every_route(api, case, as_alice, route):
    assert call(api, route, case, as_alice).status_code == ROUTES[route][3]


@pytest.mark.parametrize("route", ROUTES)
def test_a_superuser_may_use_every_route(api, case, as_root, route):
    assert call(api, route, case, as_root).status_code == ROUTES[route][3]


@pytest.mark.parametrize("route", ROUTES)
def test_an_agent_of_another_shop_gets_404_and_changes_nothing(api, case, as_bob, route):
    before = (
        case.messages.count(),
        CaseEvent.objects.filter(case=case).count(),
        Case.objects.count(),
    )
    response = call(api, route, case, as_bob)
    assert response.status_code == ROUTES[route][4]
    if response.status_code == 404:
        assert_error(response, 404, "not_found")
    after = (
        case.messages.count(),
        CaseEvent.objects.filter(case=case).count(),
        Case.objects.count(),
    )
    assert after == before


def test_another_shops_case_looks_exactly_like_a_missing_one(api, case, as_bob):
    hidden = api.get(f"/cases/{case.number}", as_bob).json()
    missing = api.get(f"/cases/{case.number + 1}", as_bob).json()
    assert hidden["error"]["message"].replace(str(case.number), "N") == missing["error"][
        "message"
    ].replace(str(case.number + 1), "N")


def test_the_list_shows_only_the_agents_shops(api, case, shop_b, as_bob, as_root):
    other = open_email_case(shop_b, timezone.now(), subject="Retur")
    mine = api.get("/cases", as_bob).json()
    assert [c["number"] for c in mine["items"]] == [other.number] and mine["count"] == 1
    everything = api.get("/cases", as_root).json()
    assert {c["number"] for c in everything["items"]} == {case.number, other.number}


# --- tokens -----------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(api, case, alice, time_machine):
    row, token = ApiToken.issue(alice, "shop system")
    headers = {"Authorization": f"Bearer {token}"}
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    api.get("/cases", headers)
    row.refresh_from_db()
    assert row.last_used_at == start
    time_machine.move_to(start + timedelta(seconds=50), tick=False)
    api.get("/cases", headers)
    row.refresh_from_db()
    assert row.last_used_at == start
    time_machine.move_to(start + timedelta(seconds=61), tick=False)
    api.get("/cases", headers)
    row.refresh_from_db()
    assert row.last_used_at == start + timedelta(seconds=61)


def test_a_request_with_a_fresh_last_used_writes_nothing(
    api, case, alice, django_assert_num_queries
):
    row, token = ApiToken.issue(alice, "shop system")
    headers = {"Authorization": f"Bearer {token}"}
    api.get(f"/cases/{case.number}", headers)
    with django_assert_num_queries(5):  # token, case, emails, tags, messages: no UPDATE
        api.get(f"/cases/{case.number}", headers)


# --- the single error shape ------------------------------------------------------------


def test_validation_errors_have_the_single_shape(api, case, as_alice):
    error = assert_error(
        api.post(f"/cases/{case.number}/replies", {"then": "open"}, as_alice),
        422,
        "validation_error",
    )
    fields = {tuple(d["loc"]) for d in error["details"]}
    assert ("body", "data", "body") in fields and ("body", "data", "then") in fields


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 101},
        {"limit": 0},
        {"offset": -1},
        {"view": "everything"},
        {"status": "gone"},
        {"limit": "many"},
        {"offset": 2**40},
    ],
)
def test_bad_list_parameters_are_422(api, as_alice, query):
    assert_error(api.get("/cases", as_alice, **query), 422, "validation_error")


def test_a_misspelt_filter_is_refused_rather_than_ignored(api, case, as_alice):
    error = assert_error(api.get("/cases", as_alice, stauts="closed"), 422, "validation_error")
    assert error["details"] == [
        {"type": "extra_forbidden", "loc": ["query", "stauts"], "msg": "Unknown parameter"}
    ]


@pytest.mark.parametrize("number", ["0", "-1", "abc", str(2**40), "1.5"])
def test_a_case_number_that_cannot_exist_is_422_or_404_in_the_same_shape(api, as_alice, number):
    response = api.get(f"/cases/{number}", as_alice)
    assert response.status_code in (404, 422)
    assert_error(
        response,
        response.status_code,
        "not_found" if response.status_code == 404 else "validation_error",
    )


def test_a_body_that_is_not_json_is_400_in_the_same_shape(api, case, as_alice):
    response = api.client.post(
        f"{API}/cases/{case.number}/notes",
        "{not json",
        content_type="application/json",
        headers=as_alice,
    )
    assert_error(response, 400, "bad_request")


def test_a_refusal_from_the_services_is_400(api, case, as_alice):
    error = assert_error(
        api.post(f"/cases/{case.number}/replies", {"body": "   "}, as_alice), 400, "refused"
    )
    assert error["message"]
    assert not case.messages.filter(direction=Direction.OUTBOUND).exists()


def test_nul_in_text_is_stored_as_the_services_store_it(api, case, as_alice):
    response = api.post(f"/cases/{case.number}/notes", {"body": "a\x00b"}, as_alice)
    assert response.status_code == 201
    assert response.json()["body_text"] == "a\ufffdb"


@pytest.mark.parametrize("query", ["q=jacka%00", "shop=a%00b", "q=%ED%A0%80", "shop=%FF", "q=%C3"])
def test_text_no_database_takes_is_never_a_server_error(api, case, as_alice, query):
    # PostgreSQL refuses NUL in text; bytes that are not UTF-8 cannot be stored at all.
    response = api.client.get(f"{API}/cases?{query}", headers=as_alice)
    assert response.status_code in (200, 422)


@pytest.mark.parametrize(
    "raw",
    [
        '{"shop": "natbutiken\\u0000", "text": "Hej"}',
        '{"shop": "natbutiken", "text": "Hej \\ud800"}',
    ],
)
def test_a_body_with_text_no_database_takes_is_422(api, as_alice, raw):
    response = api.client.post(
        f"{API}/cases", raw, content_type="application/json", headers=as_alice
    )
    assert_error(response, 422, "validation_error")


# --- reading ----------------------------------------------------------------------------


def test_a_case_has_its_messages_and_its_promise(api, case, alice, as_alice):
    services.add_note(case, alice, "Kollat lagret.")
    services.reply(case, alice, "Hej! Jackan skickas i dag.", then=Status.WAITING)
    write_again(case, timezone.now(), text="Tack! Och byxorna?")
    body = api.get(f"/cases/{case.number}", as_alice).json()
    assert body["number"] == case.number and body["shop"] == "natbutiken"
    assert body["customer"]["email"] == "kund@example.se"
    assert [m["direction"] for m in body["messages"]] == ["in", "note", "out", "in"]
    first, note, answer, follow_up = body["messages"]
    assert first["body_text"] == "Hej! När kommer min jacka?"
    assert note["author"] == {"id": alice.pk, "name": "Alice Ahl"}
    assert answer["body_text"] == "Hej! Jackan skickas i dag."
    assert follow_up["body_text"] == "Tack! Och byxorna?" and follow_up["author"] is None
    assert body["status"] == "open" and body["is_follow_up"] is True
    promise = body["promise"]
    assert promise["due_at"] and promise["sla_state"] == "ok"
    assert promise["text"].startswith("senast ")  # the case is Swedish (rule A4)


def test_the_promise_is_in_the_case_language(api, shop_a, as_alice):
    case = open_email_case(shop_a, timezone.now(), language="en", text="Where is my jacket?")
    assert api.get(f"/cases/{case.number}", as_alice).json()["promise"]["text"].startswith("by ")


def test_a_case_that_owes_nothing_has_no_promise_text(api, case, alice, as_alice):
    services.reply(case, alice, "Klart!", then=Status.CLOSED)
    promise = api.get(f"/cases/{case.number}", as_alice).json()["promise"]
    assert promise == {
        "due_at": None,
        "sla_state": "none",
        "text": None,
        "follow_up": False,
        "beyond_ceiling": False,
    }


def test_the_list_filters_by_view_status_shop_and_words(
    api, shop_a, alice, as_alice, as_root, shop_b
):
    now = timezone.now()
    jacket = open_email_case(shop_a, now - timedelta(hours=3))
    shoes = open_email_case(
        shop_a, now - timedelta(hours=2), subject="Skor", text="Mina skor är för små, kan jag byta?"
    )
    done = open_email_case(shop_a, now - timedelta(hours=1), subject="Faktura")
    services.reply(done, alice, "Här är fakturan.", then=Status.CLOSED)
    services.assign(shoes, alice, actor=alice)
    other = open_email_case(shop_b, now, subject="Skor igen")

    def numbers(headers=as_alice, **query):
        return [c["number"] for c in api.get("/cases", headers, **query).json()["items"]]

    assert numbers() == [done.number, shoes.number, jacket.number]  # newest first
    assert numbers(view="open") == [jacket.number, shoes.number]  # by deadline (rule S2)
    assert numbers(view="mine") == [shoes.number]
    assert numbers(view="closed") == [done.number]
    assert numbers(status="closed") == [done.number]
    assert numbers(q="skor") == [shoes.number]  # subject, any case
    assert numbers(q="BYTA") == [shoes.number]  # message text
    assert numbers(q=f"#{jacket.number}") == [jacket.number]
    assert numbers(q="fakturan") == [done.number]  # the reply's text too
    assert numbers(as_root, shop="andra") == [other.number]
    assert numbers(shop="andra") == []  # bob's shop: nothing, and no error


def test_the_list_pages(api, shop_a, as_alice):
    for hours in range(5):
        open_email_case(shop_a, timezone.now() - timedelta(hours=hours), subject=f"Fråga {hours}")
    first = api.get("/cases", as_alice, limit=2).json()
    rest = api.get("/cases", as_alice, limit=2, offset=4).json()
    assert first["count"] == rest["count"] == 5
    assert (first["limit"], first["offset"], len(first["items"])) == (2, 0, 2)
    assert (rest["offset"], len(rest["items"])) == (4, 1)


def test_the_list_costs_the_same_queries_however_many_cases(
    api, shop_a, alice, as_alice, django_assert_num_queries
):
    retur = Tag.objects.create(shop=shop_a, name="retur")

    def fill(n):
        for i in range(n):
            case = open_email_case(shop_a, timezone.now(), sender=f"k{i}@example.se")
            services.assign(case, alice)
            case.tags.add(retur)

    api.get("/cases", as_alice)  # last_used_at is written here, not below
    for n, total in [(2, 2), (10, 12)]:
        fill(n)
        # token, page, count, the customers' addresses, tags
        with django_assert_num_queries(5):
            assert len(api.get("/cases", as_alice, view="open").json()["items"]) == total


# --- writing ----------------------------------------------------------------------------


def test_a_reply_through_the_api_answers_the_customer(
    api, case, alice, as_alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(
            f"/cases/{case.number}/replies",
            {"body": "Hej! Jackan skickas i dag.", "then": "waiting"},
            as_alice,
        )
    assert response.status_code == 201
    message = response.json()
    assert message["direction"] == "out" and message["author"]["id"] == alice.pk
    assert message["from_address"] == case.shop.email  # rule R1
    case.refresh_from_db()
    assert case.status == Status.WAITING and case.first_response_at is not None
    assert case.due_at is None
    outbound = OutboundEmail.objects.get(case=case)
    assert outbound.kind == OutboundKind.REPLY and outbound.to_address == "kund@example.se"
    event = CaseEvent.objects.get(case=case, kind=EventKind.REPLIED)
    assert event.actor == alice


def test_a_token_needs_no_csrf_cookie(case, as_alice):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"{API}/cases/{case.number}/notes",
        {"body": "Från skriptet."},
        content_type="application/json",
        headers=as_alice,
    )
    assert response.status_code == 201


def test_a_reply_can_close_the_case(api, case, as_alice):
    api.post(f"/cases/{case.number}/replies", {"body": "Klart!", "then": "closed"}, as_alice)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None


def test_a_note_is_internal(api, case, alice, as_alice):
    response = api.post(f"/cases/{case.number}/notes", {"body": "Ring lagret."}, as_alice)
    assert response.json()["direction"] == "note"
    assert not OutboundEmail.objects.filter(case=case).exists()
    assert CaseEvent.objects.get(case=case, kind=EventKind.NOTE).actor == alice


def test_assign_to_an_agent_of_the_shop_and_back_to_nobody(api, case, shop_a, alice, as_alice):
    carl = AgentFactory(shops=[shop_a], first_name="Carl")
    body = api.post(f"/cases/{case.number}/assign", {"agent_id": carl.pk}, as_alice).json()
    assert body["assignee"] == {"id": carl.pk, "name": "Carl"}
    assert CaseEvent.objects.get(case=case, kind=EventKind.ASSIGNED).actor == alice
    body = api.post(f"/cases/{case.number}/assign", {"agent_id": None}, as_alice).json()
    assert body["assignee"] is None


@pytest.mark.parametrize("who", ["bob", "nobody"])
def test_assign_to_someone_outside_the_shop_is_refused(api, case, bob, as_alice, who):
    # Another shop's agent is answered exactly like one that does not exist.
    agent_id = bob.pk if who == "bob" else bob.pk + 1000
    error = assert_error(
        api.post(f"/cases/{case.number}/assign", {"agent_id": agent_id}, as_alice),
        404,
        "not_found",
    )
    assert error["message"] == "No such agent in this case's shop."
    case.refresh_from_db()
    assert case.assignee is None


def test_assign_needs_the_agent_id_key(api, case, as_alice):
    assert_error(api.post(f"/cases/{case.number}/assign", {}, as_alice), 422, "validation_error")


def test_change_status(api, case, alice, as_alice):
    body = api.post(f"/cases/{case.number}/status", {"status": "closed"}, as_alice).json()
    assert body["status"] == "closed" and body["due_at"] is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.STATUS)
    assert event.actor == alice and event.data == {"old": "new", "new": "closed"}


def test_a_merged_case_cannot_be_opened_again(api, case, shop_a, as_alice):
    target = open_email_case(shop_a, timezone.now(), subject="Samma fråga")
    services.merge_cases(case, target)
    error = assert_error(
        api.post(f"/cases/{case.number}/status", {"status": "open"}, as_alice), 400, "refused"
    )
    assert str(target.number) in error["message"]


def test_create_a_case_for_a_custom_channel(api, alice, as_alice):
    response = api.post(
        "/cases",
        {
            "shop": "natbutiken",
            "channel": "chat",
            "email": "Karin@Example.se",
            "name": "Karin Lindqvist",
            "text": "Hej! Mitt personnummer är 19121212-1212, var är min order 100231?",
            "language": "sv",
        },
        as_alice,
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.channel == "chat" and case.status == Status.NEW and case.due_at is not None
    assert body["customer"] == {
        "id": case.customer_id,
        "name": "Karin Lindqvist",
        "email": "karin@example.se",
    }
    assert body["subject"]  # derived from the text (rule A2)
    [message] = body["messages"]
    assert "19121212-1212" not in message["body_text"] + body["subject"]  # rule C3
    assert "[personnummer borttaget]" in message["new_text"]
    assert body["promise"]["text"].startswith("senast ")


def test_a_case_created_with_an_email_is_acknowledged_like_mail(api, as_alice):  # A1, A4
    from kundsvar.channels.email.models import OutboundEmail, OutboundKind

    body = api.post(
        "/cases",
        {"shop": "natbutiken", "email": "karin@example.se", "text": "Var är min order?"},
        as_alice,
    ).json()
    ack = OutboundEmail.objects.get(case__number=body["number"], kind=OutboundKind.ACK)
    assert ack.to_address == "karin@example.se" and f"#{body['number']}" in ack.subject


def test_a_created_case_speaks_the_language_detected_or_given(api, as_alice):  # R7
    text = "Hei, jeg har ikke fått pakken min ennå. Hvor lang tid tar det?"
    detected = api.post("/cases", {"shop": "natbutiken", "text": text}, as_alice).json()
    given = api.post(
        "/cases", {"shop": "natbutiken", "text": text, "language": "sv"}, as_alice
    ).json()
    short = api.post("/cases", {"shop": "natbutiken", "text": "Takk!"}, as_alice).json()
    assert (detected["language"], given["language"], short["language"]) == ("nb", "sv", "sv")


def test_change_the_language(api, case, alice, as_alice, as_bob):  # R7
    body = api.post(f"/cases/{case.number}/language", {"language": "da"}, as_alice).json()
    assert body["language"] == "da"
    event = CaseEvent.objects.get(case=case, kind=EventKind.LANGUAGE)
    assert event.actor == alice and event.data == {"old": "sv", "new": "da"}
    assert_error(
        api.post(f"/cases/{case.number}/language", {"language": "de"}, as_alice),
        422,
        "validation_error",
    )
    assert_error(
        api.post(f"/cases/{case.number}/language", {"language": "en"}, as_bob), 404, "not_found"
    )


def test_a_chat_case_gets_no_acknowledgement_email(api, as_alice):
    from kundsvar.channels.email.models import OutboundEmail

    api.post(
        "/cases",
        {"shop": "natbutiken", "channel": "chat", "email": "karin@example.se", "text": "Hej"},
        as_alice,
    )
    assert not OutboundEmail.objects.exists()


def test_a_created_case_defaults_to_the_api_channel(api, as_alice):
    body = api.post("/cases", {"shop": "natbutiken", "text": "Hej"}, as_alice).json()
    assert body["channel"] == "api" and body["customer"]["email"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"shop": "natbutiken", "text": "Hej", "channel": "pigeon"},
        {"shop": "natbutiken", "text": "Hej", "email": "not an address"},
        {"shop": "natbutiken", "text": ""},
        {"shop": "natbutiken"},
        {"shop": "natbutiken", "text": "Hej", "language": "de"},
        {"text": "Hej"},
    ],
)
def test_a_case_needs_valid_fields(api, as_alice, body):
    assert_error(api.post("/cases", body, as_alice), 422, "validation_error")
    assert not Case.objects.exists()


def test_a_case_for_a_shop_that_does_not_exist_is_404(api, as_root):
    assert_error(api.post("/cases", {"shop": "nope", "text": "Hej"}, as_root), 404, "not_found")


# --- the schema -------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["kundsvar.workspace.api", "kundsvar.workspace.customers_api"])
def test_every_router_is_mounted_whichever_module_is_imported_first(first):
    script = (
        f"import django; django.setup(); import {first}; from kundsvar.api import api; "
        "print(len(api.get_openapi_schema(path_prefix='/')['paths']))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kundsvar.settings"},
        check=True,
    )
    assert done.stdout.split()[-1] == "8"


def test_the_schema_documents_every_error(client):
    schema = client.get(f"{API}/openapi.json").json()
    operations = [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) == 9
    for path, method, op in operations:
        assert op["security"] == [{"TokenAuth": []}], (path, method)
        for status in ("401", "422"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (path, method, status)
