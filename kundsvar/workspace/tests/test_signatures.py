"""Signatures: the agent writes their own from their account, a shop admin the shop's
per language; nobody edits another shop's."""

import pytest
from django.urls import reverse

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory, admin_client
from kundsvar.workspace.models import Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", languages=["sv", "en"])


def test_an_agent_writes_their_own_signature(client, shop):
    agent = AgentFactory(shops=[shop])
    client.force_login(agent)
    page = client.get(reverse("cases:signature")).content.decode()
    assert f'name="sig-{shop.pk}-en"' in page
    client.post(reverse("cases:signature"), {f"sig-{shop.pk}-any": "Anna Berg"})
    assert Signature.objects.get(agent=agent).text == "Anna Berg"
    client.post(reverse("cases:signature"), {f"sig-{shop.pk}-any": ""})
    assert not Signature.objects.exists()


def test_a_shop_admin_writes_the_shops_signature_per_language(shop):
    client = admin_client(shop)
    url = reverse("settings:signatures", args=[shop.slug])
    client.post(url, {f"sig-{shop.pk}-sv": "Hälsningar, Nordljus", f"sig-{shop.pk}-en": "Regards"})
    saved = dict(Signature.objects.filter(agent=None).values_list("language", "text"))
    assert saved == {"sv": "Hälsningar, Nordljus", "en": "Regards"}


def test_only_the_shops_admin_edits_its_signature(client, shop):
    client.force_login(AgentFactory(shops=[shop]))
    url = reverse("settings:signatures", args=[shop.slug])
    assert client.post(url, {f"sig-{shop.pk}-sv": "x"}).status_code == 403
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    assert client.get(url).status_code == 404
    assert not Signature.objects.exists()
