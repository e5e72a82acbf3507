from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import Status, Tag
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .factories import open_email_case, write_again

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM)


def test_merging_moves_everything_and_keeps_the_earliest_promise():
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])
    target = open_email_case(shop, local(2026, 11, 23, 11, 0), sender="karin@example.se")
    duplicate = open_email_case(
        shop, local(2026, 11, 23, 9, 0), sender="karin@jobb.example.se", subject="Samma fråga igen"
    )
    duplicate.tags.add(Tag.objects.create(shop=shop, name="leverans"))

    merged = services.merge_cases(duplicate, target, actor=agent, same_person=True)

    duplicate.refresh_from_db()
    assert merged.messages.count() == 2
    assert merged.due_at == local(2026, 11, 23, 15, 0)  # the duplicate's, earlier
    assert merged.received_at == local(2026, 11, 23, 9, 0)
    assert {p.address for p in merged.participants.all()} == {
        "karin@example.se",
        "karin@jobb.example.se",
    }
    assert [t.name for t in merged.tags.all()] == ["leverans"]
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == merged
    assert duplicate.due_at is None


def test_a_message_to_a_merged_case_lands_on_the_surviving_case():
    shop = ShopFactory()
    target = open_email_case(shop, local(2026, 11, 23, 9, 0))
    duplicate = open_email_case(shop, local(2026, 11, 23, 9, 5))
    services.merge_cases(duplicate, target)
    message = write_again(duplicate, local(2026, 11, 23, 10, 0))
    assert message.case_id == target.pk


def test_cases_of_different_shops_are_not_merged():
    first = open_email_case(ShopFactory(), local(2026, 11, 23, 9, 0))
    second = open_email_case(ShopFactory(), local(2026, 11, 23, 9, 0))
    with pytest.raises(services.CaseError):
        services.merge_cases(first, second)
    first.refresh_from_db()
    assert first.merged_into is None and first.messages.count() == 1
