from kundsvar.topics import services
from kundsvar.topics.models import Topic


def seeded(shop) -> dict[str, Topic]:
    """The shop's default topics by slug."""
    services.seed_defaults(shop)
    return {topic.slug: topic for topic in shop.topics.all()}
