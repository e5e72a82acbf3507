"""Workers opening cases in one shop at the same moment do not wait for each other's
commits on the queue's tallies (issue #11). The tally of (shop, lane, assignee, SLA
state) is one row on SQLite; on PostgreSQL a key has a row per stripe, picked by the
transaction, and a count is the sum of its key's rows (cases.tallies)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kundsvar.cases import queries
from kundsvar.cases.models import QueueTally
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.core.tests.atonce import held_open, refuse_to_wait
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_case_opens_while_another_in_the_same_shop_is_not_yet_committed():  # S2
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer, whose BEGIN waits anyway")
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])

    def open_first() -> None:  # a worker's batch, still writing
        open_email_case(shop, timezone.now(), sender="first@example.se")

    with held_open(open_first), transaction.atomic():
        refuse_to_wait()
        open_email_case(shop, timezone.now(), sender="second@example.se")
    # Two rows for the key of "new, nobody's" (one a transaction), counted as one view.
    assert QueueTally.objects.filter(shop_id=shop.pk, n__gt=0).count() == 2
    assert queries.view_counts(agent)["unassigned"] == 2
