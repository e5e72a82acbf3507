"""The customers API: an agent lists the customers of the shops they work for."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kundsvar.accounts.models import ApiToken
from kundsvar.customers.services import add_email, find_or_create_customer
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
URL = "/api/v1/customers"


@pytest.fixture
def shop_a():
    return ShopFactory(slug="natbutiken")


@pytest.fixture
def shop_b():
    return ShopFactory(slug="andra")


@pytest.fixture
def karin(shop_a):
    customer = find_or_create_customer(shop_a, "karin@example.se", "Karin Lindqvist", "sv")
    add_email(customer, "karin.l@jobb.example")
    return customer


@pytest.fixture
def ola(shop_b):
    return find_or_create_customer(shop_b, "ola@example.no", "Ola Nordmann", "nb")


def bearer(agent) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(agent, 'test')[1]}"}


@pytest.fixture
def as_alice(shop_a):
    return bearer(AgentFactory(shops=[shop_a]))


@pytest.fixture
def as_bob(shop_b):
    return bearer(AgentFactory(shops=[shop_b]))


@pytest.fixture
def as_root():
    return bearer(AgentFactory(is_superuser=True))


def ids(client, headers, **query):
    response = client.get(URL, query, headers=headers)
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["items"]]


def test_without_a_token_it_is_401(client, karin):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_is_401(client, shop_a, karin):
    row, token = ApiToken.issue(AgentFactory(shops=[shop_a]), "old")
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_an_agent_sees_only_their_shops_customers(client, karin, ola, as_alice, as_bob):
    assert ids(client, as_alice) == [karin.pk]
    assert ids(client, as_bob) == [ola.pk]


def test_a_superuser_sees_every_shop(client, karin, ola, as_root):
    assert set(ids(client, as_root)) == {karin.pk, ola.pk}
    assert ids(client, as_root, shop="andra") == [ola.pk]


def test_a_customer_has_all_their_addresses(client, karin, as_alice):
    [row] = client.get(URL, headers=as_alice).json()["items"]
    assert row["shop"] == "natbutiken" and row["name"] == "Karin Lindqvist"
    assert row["language"] == "sv"
    assert row["emails"] == ["karin@example.se", "karin.l@jobb.example"]


@pytest.mark.parametrize("q", ["karin", "LINDQ", "jobb.example", "karin.l@"])
def test_search_by_name_or_address(client, karin, shop_a, as_alice, q):
    find_or_create_customer(shop_a, "per@example.se", "Per Persson")
    assert ids(client, as_alice, q=q) == [karin.pk]


def test_another_shops_filter_gives_nothing(client, karin, ola, as_alice):
    assert ids(client, as_alice, shop="andra") == []
    assert ids(client, as_alice, q="ola") == []


def test_pages_newest_first(client, shop_a, as_alice, time_machine):
    start = timezone.now()
    made = []
    for i in range(5):
        time_machine.move_to(start + timedelta(minutes=i), tick=False)
        made.append(find_or_create_customer(shop_a, f"k{i}@example.se").pk)
    page = client.get(URL, {"limit": 2, "offset": 1}, headers=as_alice).json()
    assert page["count"] == 5 and (page["limit"], page["offset"]) == (2, 1)
    assert [c["id"] for c in page["items"]] == [made[3], made[2]]


def test_the_list_costs_the_same_queries_however_many_customers(
    client, shop_a, as_alice, django_assert_num_queries
):
    client.get(URL, headers=as_alice)  # last_used_at is written here, not below
    for n in (2, 10):
        for i in range(n):
            customer = find_or_create_customer(shop_a, f"{n}-{i}@example.se")
            add_email(customer, f"{n}-{i}@other.example")
        with django_assert_num_queries(4):  # token, page, count, addresses
            client.get(URL, headers=as_alice)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 101},
        {"limit": 0},
        {"offset": -1},
        {"q": "x" * 201},
        {"shop": "x" * 51},
        {"name": "karin"},
    ],
)
def test_bad_parameters_are_422_in_the_single_shape(client, as_alice, query):
    response = client.get(URL, query, headers=as_alice)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["details"]
