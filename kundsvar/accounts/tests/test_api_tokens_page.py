"""Your account → API tokens: create with a name, a scope and an expiry (the token is shown
once), revoke. A read token may only read; an expired or revoked one is refused."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from kundsvar.accounts.models import ApiToken
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
CASES = "/api/v1/cases"


@pytest.fixture
def alice():
    return AgentFactory(shops=[ShopFactory()])


@pytest.fixture
def account(alice):
    client = Client()
    client.force_login(alice)
    return client


def create(account, **values) -> str:
    html = account.post(
        reverse("accounts:tokens"), {"name": "Shopify", "scope": "read", "days": "30", **values}
    ).content.decode()
    return re.search(r'value="(ks_[^"]+)"', html).group(1)


def call(method: str, token: str, path: str = CASES):
    client, headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, data="{}", content_type="application/json", **headers)


def test_the_token_is_shown_once_and_only_its_prefix_after(account, alice):
    token = create(account)
    row = ApiToken.objects.get(agent=alice)
    assert (row.name, row.scope, row.prefix) == ("Shopify", "read", token[:10])
    again = account.get(reverse("accounts:tokens")).content.decode()
    assert token not in again and f"{token[:10]}…" in again


def test_a_read_token_reads_and_may_not_write(account):
    token = create(account, scope="read")
    assert call("get", token).status_code == 200
    refused = call("post", token)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_a_write_token_may_write(account):
    token = create(account, scope="write")
    assert call("post", token).status_code == 422  # past the token: the empty body is refused


def test_an_expired_token_is_refused(account, time_machine, now):
    token = create(account, days="30")
    assert call("get", token).status_code == 200
    time_machine.move_to(now + timedelta(days=30, minutes=1))
    assert call("get", token).status_code == 401


def test_revoking_stops_the_token_at_once_and_only_its_owner_can(account, alice):
    token = create(account, days="0")
    row = ApiToken.objects.get(agent=alice)
    assert row.expires_at is None
    other = Client()
    other.force_login(AgentFactory())
    other.post(reverse("accounts:tokens"), {"revoke": row.pk})
    assert call("get", token).status_code == 200  # not theirs to revoke
    account.post(reverse("accounts:tokens"), {"revoke": row.pk})
    assert call("get", token).status_code == 401


def test_the_page_needs_a_login():
    response = Client().get(reverse("accounts:tokens"))
    assert response.status_code == 302 and "login" in response["Location"]
