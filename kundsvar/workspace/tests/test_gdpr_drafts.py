"""Erasing a customer (GDPR, `ops.gdpr.erase`) deletes every agent's unsent composer draft
on their cases — drafts quote and name the customer — and no draft on anyone else's case.
The workspace hands its eraser to ops when it starts (no app imports the workspace)."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.ops import gdpr
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace.models import Draft
from kundsvar.workspace.services import save_draft

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_erasing_a_customer_deletes_the_drafts_on_their_cases_only():
    shop = ShopFactory()
    karin = open_email_case(shop, AT, sender="Karin Qzxj <karin.qzxj@example.se>")
    other = open_email_case(shop, AT, sender="Olle <olle@example.se>")
    anna, bo = AgentFactory(shops=[shop]), AgentFactory(shops=[shop])
    save_draft(anna, karin, "Hej Karin Qzxj! Vi ringer 070-123 45 67.", cc="karin@jobb.se")
    save_draft(bo, karin, "Hej Karin, paketet …")
    save_draft(anna, other, "Hej Olle!")

    counts = gdpr.erase(karin.customer)

    assert counts["drafts"] == 2
    assert not Draft.objects.filter(case=karin).exists()
    assert list(Draft.objects.values_list("body", flat=True)) == ["Hej Olle!"]
