"""Schemathesis against the live OpenAPI schema, in process (Django's WSGI application).

Every operation is called with generated data, valid and invalid, as an agent of a
seeded shop. Checked: no 5xx; every status code, body and content type is one the
schema documents (the single error shape for 400/401/404/422 included); invalid input
is refused; a request without the token is refused.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kundsvar.accounts.models import ApiToken
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Small enough that the module takes well under a minute, so it runs on every CI run.
MAX_EXAMPLES = 25
TOKEN = "ks_schemathesis-agent-of-natbutiken"  # noqa: S105 (a test database's token)

CONFIG = SchemathesisConfig.from_dict(
    {
        "auth": {"openapi": {"TokenAuth": {"bearer": TOKEN}}},
        "checks": {
            # A schema-valid request may still be refused by the case rules (assigning to
            # someone outside the shop, an empty reply): the documented 400 "refused", or
            # 409 "conflict" for a reply whose last_message_id is no longer the last.
            "positive_data_acceptance": {"expected-statuses": ["2xx", 400, 401, 403, 404, 409]},
        },
    }
)
# Fetched over WSGI as a client would (the schema needs no token and no database).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture
def _one_connection():
    """The WSGI handler closes "old" connections at the start and end of each request,
    which would drop the test's open transaction; Django's own test client unhooks these
    signals for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, _one_connection, now):
    # The schema's examples name this shop and the first case number (10001).
    shop = ShopFactory(slug="natbutiken")
    agent = AgentFactory(shops=[shop])
    AgentFactory(shops=[shop], first_name="Carl")  # someone to assign to
    ApiToken.objects.create(
        agent=agent, name="schemathesis", key_hash=ApiToken.hash(TOKEN), prefix=TOKEN[:10]
    )
    open_email_case(shop, now)
    open_email_case(ShopFactory(slug="andra"), now, sender="other@example.se")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_to_its_schema(case, seeded):
    case.call_and_validate()
