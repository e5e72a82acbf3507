from datetime import time

import factory

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.shops.models import OpeningHours, Shop


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Butik {n}")
    slug = factory.Sequence(lambda n: f"butik-{n}")
    email = factory.Sequence(lambda n: f"kundtjanst@butik{n}.example")
    phone = "08-123 456 00"
    country = "SE"
    time_zone = "Europe/Stockholm"

    @factory.post_generation
    def office_hours(shop, create, extracted, **kwargs):
        """Mon–Fri 08–17 unless `office_hours=False`."""
        if create and extracted is not False:
            OpeningHours.objects.bulk_create(
                OpeningHours(shop=shop, weekday=d, opens=time(8), closes=time(17)) for d in range(5)
            )


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Alice"
    password = factory.django.Password("pw")

    @factory.post_generation
    def shops(agent, create, extracted, **kwargs):
        for shop in extracted or []:
            Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)


def admin_client(shop):
    """A test client logged in as a new administrator of `shop`."""
    from django.test import Client

    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    client = Client()
    client.force_login(agent)
    return client
