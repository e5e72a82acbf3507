import pytest

from kundsvar.live import queries


@pytest.fixture(autouse=True)
def _close_live_connections():
    """The live threads keep a database connection each; PostgreSQL will not drop the
    test database while one is open."""
    yield
    queries.close_connections()
