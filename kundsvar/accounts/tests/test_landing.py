"""Where the login leads when no `next` says otherwise: a shop's admin (the owner) to
the reports overview, an agent to the queue — after the password, or after the code
for agents with two-factor login. A `next` still wins."""

from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .conftest import PASSWORD, confirmed_device, totp_code


def _owner():
    shop = ShopFactory(slug="nordljus")
    owner = AgentFactory(username="olle")
    Membership.objects.create(agent=owner, shop=shop, role=Role.ADMIN)
    return owner


def _login(client, username, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})


def test_the_owner_lands_on_the_overview_and_an_agent_on_the_queue(client, alice):
    _owner()
    response = _login(client, "olle")
    assert response.status_code == 302 and response["Location"] == "/insights/"
    assert client.get("/insights/")["Location"] == "/insights/reports/nordljus/"
    client.post(reverse("logout"))
    response = _login(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"


def test_next_wins_over_the_landing_page(client, db):
    _owner()
    response = _login(client, "olle", next="/cases/")
    assert response["Location"] == "/cases/"


def test_with_two_factor_the_owner_lands_on_the_overview_after_the_code(client, db, now):
    device = confirmed_device(_owner())
    response = _login(client, "olle")
    assert response["Location"] == "/insights/"
    response = client.get("/insights/")
    assert response["Location"] == reverse("accounts:verify") + "?next=%2Finsights%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/insights/"' in page
    response = client.post(
        reverse("accounts:verify"), {"token": totp_code(device), "next": "/insights/"}
    )
    assert response.status_code == 302 and response["Location"] == "/insights/"


def test_an_owner_without_a_next_after_the_code_lands_on_the_overview(client, db, now):
    owner = _owner()
    device = confirmed_device(owner)
    client.force_login(owner)
    response = client.post(reverse("accounts:verify"), {"token": totp_code(device)})
    assert response["Location"] == "/insights/"
