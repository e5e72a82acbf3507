"""The response-time grid: topics × channels on one settings page, for the shop's admins."""

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.topics.models import TopicPolicy

from .factories import seeded

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="nordljus")


def _admin(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


def test_the_grid_shows_and_saves_topic_times(client, shop):
    topics = seeded(shop)
    client.force_login(_admin(shop))
    page = client.get("/settings/nordljus/topics/").content.decode()
    faulty, cancel = topics["faulty_item"].pk, topics["change_cancel"].pk
    assert f'name="t{faulty}_all" value="480"' in page
    response = client.post(
        "/settings/nordljus/topics/",
        {f"t{faulty}_all": "480", f"t{faulty}_chat": "5", f"t{cancel}_all": ""},
    )
    assert response.status_code == 302
    saved = {(p.topic.slug, p.channel): p.first_response_minutes for p in TopicPolicy.objects.all()}
    assert saved == {("faulty_item", ""): 480, ("faulty_item", "chat"): 5}


def test_more_than_48_hours_is_refused(client, shop):  # S1
    topics = seeded(shop)
    client.force_login(_admin(shop))
    cell = f"t{topics['refund'].pk}_email"
    response = client.post("/settings/nordljus/topics/", {cell: "3000"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TopicPolicy.objects.filter(topic=topics["refund"]).exists()


def test_an_admin_seeds_the_defaults(client, shop):
    client.force_login(_admin(shop))
    client.post("/settings/nordljus/topics/seed/")
    assert shop.topics.count() == 9


def test_only_the_shops_admins(client, shop):
    seeded(shop)
    client.force_login(AgentFactory(shops=[shop]))
    assert client.get("/settings/nordljus/topics/").status_code == 403
    client.force_login(_admin(ShopFactory()))
    assert client.get("/settings/nordljus/topics/").status_code == 404
