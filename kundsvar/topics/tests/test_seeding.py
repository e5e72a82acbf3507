"""The default topics every shop starts with, and an agent's choice of topic (C2)."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.services import CaseError, Inbound, open_case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.topics import services
from kundsvar.topics.models import Correction, TopicPolicy

from .factories import seeded

pytestmark = pytest.mark.django_db
AT = datetime(2027, 3, 17, 8, 0, tzinfo=UTC)
SLUGS = [
    "order_status",
    "delivery_time",
    "return",
    "refund",
    "faulty_item",
    "change_cancel",
    "payment",
    "product_question",
    "other",
]


def test_a_shop_gets_the_default_topics_in_four_languages():
    shop = ShopFactory()
    topics = seeded(shop)
    assert list(topics) == SLUGS  # in their order
    faulty = topics["faulty_item"]
    assert faulty.name("sv").startswith("Trasig")
    assert faulty.name("nb") == "Defekt vare (reklamasjon)"
    assert faulty.name("da") == "Defekt vare (reklamation)"
    assert faulty.name("en") == "Faulty or damaged item"
    assert faulty.name("fi") == faulty.name("sv")  # an unknown language: Swedish
    assert all(topic.names.keys() >= {"sv", "nb", "da", "en"} for topic in topics.values())
    assert topics["other"].is_other


def test_each_topic_asks_for_what_it_needs():
    topics = seeded(ShopFactory())
    assert topics["faulty_item"].field_kinds() == ["order", "photo"]
    assert topics["return"].field_kinds() == ["order", "items"]
    assert topics["order_status"].field_kinds() == ["order_or_tracking"]
    assert topics["change_cancel"].field_kinds() == ["order"]
    assert topics["change_cancel"].recommended_channel == "phone"
    assert "på väg att skickas" in topics["change_cancel"].channel_hint("sv")
    assert "about to ship" in topics["change_cancel"].channel_hint("en")


def test_the_defaults_carry_the_targets_of_the_issue():
    seeded(ShopFactory())
    targets = {p.topic.slug: p.first_response_minutes for p in TopicPolicy.objects.all()}
    assert targets == {"faulty_item": 8 * 60, "change_cancel": 60}


def test_seeding_twice_changes_nothing_and_keeps_edits():
    shop = ShopFactory()
    topics = seeded(shop)
    services.save_topic(topics["refund"], names={"sv": "Pengar tillbaka"})
    assert services.seed_defaults(shop) == []
    assert shop.topics.count() == len(SLUGS)
    assert shop.topics.get(slug="refund").name() == "Pengar tillbaka"


def test_a_new_case_takes_the_topic_it_came_with():
    shop = ShopFactory()
    topics = seeded(shop)
    case = open_case(
        shop,
        "form",
        Inbound(
            from_address="kund@example.se",
            body_text="Muggen kom trasig",
            received_at=AT,
            topic_id=topics["faulty_item"].pk,
        ),
    )
    assert case.topic == topics["faulty_item"]
    assert open_email_case(shop, AT).topic is None


def test_an_agents_choice_is_audited_and_taught():
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])
    topics = seeded(shop)
    case = open_email_case(shop, AT, subject="", text="Jag vill skicka tillbaka skorna")
    services.choose_topic(case, topics["refund"], agent, now=AT)
    services.choose_topic(case, topics["return"], agent, now=AT)
    case.refresh_from_db()
    assert case.topic == topics["return"]
    events = CaseEvent.objects.filter(case=case, kind=EventKind.TOPIC)
    assert [(e.data["slug"], e.data["source"], e.actor) for e in events] == [
        ("refund", "agent", agent),
        ("return", "agent", agent),
    ]
    taught = Correction.objects.get(case_id=case.pk)  # the latest choice counts
    assert taught.topic == topics["return"]
    assert taught.previous == topics["refund"]
    assert "skicka tillbaka skorna" in taught.text


def test_choosing_the_same_topic_again_records_nothing():
    shop = ShopFactory()
    topics = seeded(shop)
    case = open_email_case(shop, AT)
    services.choose_topic(case, topics["delivery_time"], None, now=AT)
    services.choose_topic(case, topics["delivery_time"], None, now=AT)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TOPIC).count() == 1


def test_another_shops_topic_is_refused():
    shop, other = ShopFactory(), ShopFactory()
    case = open_email_case(shop, AT)
    with pytest.raises(CaseError):
        services.choose_topic(case, seeded(other)["refund"], None, now=AT)
