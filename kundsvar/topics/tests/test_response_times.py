"""Response times per topic and channel on top of the shop's policy (S1–S3, A4)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases.services import Inbound, open_case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.topics import services
from kundsvar.topics.queries import case_note
from kundsvar.topics.wording import duration, target_note

from .factories import seeded

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
AT = datetime(2027, 3, 17, 8, 0, tzinfo=UTC)  # Wednesday 09.00 in Stockholm, open 08–17


def _open(shop, topic, channel="form"):
    return open_case(
        shop,
        channel,
        Inbound(from_address="k@example.se", body_text="Hej", received_at=AT, topic_id=topic.pk),
    )


def _local(moment):
    return moment.astimezone(STOCKHOLM).strftime("%a %H:%M")


def test_a_complaint_gets_8_working_hours_and_a_cancellation_one():  # S1
    shop = ShopFactory()
    topics = seeded(shop)
    assert _local(_open(shop, topics["faulty_item"]).due_at) == "Wed 17:00"  # 09.00 + 8 h
    assert _local(_open(shop, topics["change_cancel"]).due_at) == "Wed 10:00"
    assert _local(_open(shop, topics["refund"]).due_at) == "Wed 15:00"  # the shop's 6 h


def test_a_cell_on_one_channel_overrides_the_topics_every_channel():
    shop = ShopFactory()
    topics = seeded(shop)
    faulty = topics["faulty_item"]
    services.set_policies(shop, {(faulty.pk, "email"): 120, (faulty.pk, ""): None})
    assert _local(_open(shop, faulty, "email").due_at) == "Wed 11:00"
    assert _local(_open(shop, faulty, "form").due_at) == "Wed 15:00"  # back to the shop's


def test_a_topic_chosen_later_brings_the_promise_forward_never_back():  # S2
    shop = ShopFactory()
    topics = seeded(shop)
    case = open_email_case(shop, AT)
    assert _local(case.due_at) == "Wed 15:00"
    case = services.choose_topic(case, topics["faulty_item"], None, now=AT)
    assert _local(case.due_at) == "Wed 15:00"  # 8 hours would be later: the promise stands
    case = services.choose_topic(case, topics["change_cancel"], None, now=AT)
    case.refresh_from_db()
    assert _local(case.due_at) == "Wed 10:00"


def test_the_target_in_the_customers_words():  # A4
    shop = ShopFactory()
    topics = seeded(shop)
    faulty = topics["faulty_item"]
    assert target_note(faulty, 480, "sv") == "reklamationer besvaras inom 8 timmar"
    assert target_note(faulty, 480, "nb") == "reklamasjoner besvares innen 8 timer"
    assert target_note(faulty, 60, "en") == "complaints are answered within 1 hour"
    assert duration(90, "sv") == "1 timme och 30 minuter"
    assert duration(1, "da") == "1 minut"
    assert case_note(_open(shop, faulty)) == "reklamationer besvaras inom 8 timmar"
    assert case_note(_open(shop, topics["refund"])) == ""


def test_the_grid_refuses_another_shops_topic():
    shop, other = ShopFactory(), ShopFactory()
    seeded(shop)
    with pytest.raises(ValueError):
        services.set_policies(shop, {(seeded(other)["refund"].pk, ""): 60})
