from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .. import services
from ..models import Availability


def shop_with_agents(n: int = 1, **shop):
    """A shop and `n` agents of it, online in the chat."""
    found = ShopFactory(**shop)
    agents = [AgentFactory(shops=[found], first_name=f"Agent{i}") for i in range(n)]
    for agent in agents:
        services.set_availability(agent, Availability.ONLINE)
    return found, agents


def start(shop, text="Hej! Var är mitt paket?", **kwargs):
    return services.start(shop, services.Line(text), **kwargs)
