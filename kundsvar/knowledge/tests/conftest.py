import pytest

from kundsvar.shops.tests.factories import AgentFactory, ShopFactory


@pytest.fixture
def shop(db):
    return ShopFactory(name="Nordljus", slug="nordljus", languages=["sv", "en"])


@pytest.fixture
def other_shop(db):
    return ShopFactory(name="Fjellpost", slug="fjellpost", language="nb", languages=["nb"])


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed: the after-commit indexing too."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


@pytest.fixture
def make_article(committed):
    from kundsvar.knowledge import services

    def make(shop, title, body="", language="sv", **kwargs):
        return committed(
            services.create_article, shop, title=title, body=body, language=language, **kwargs
        )

    return make
