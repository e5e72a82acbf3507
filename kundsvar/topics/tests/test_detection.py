"""Intent detection for messages without a topic (issue 14): no training minimum, sv/nb/da/en,
typos forgiven, learns from agents' corrections, and a new email case gets its topic."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.services import Inbound
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.intake import services as intake
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.topics import intent, services
from kundsvar.topics.defaults import DEFAULT_TOPICS

from .factories import seeded

AT = datetime(2027, 3, 17, 8, 0, tzinfo=UTC)  # a Wednesday, 09.00 in Stockholm


@pytest.fixture(scope="module")
def model():
    return intent.KeywordModel([intent.TopicSpec.of(t) for t in DEFAULT_TOPICS])


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hej! Muggen var trasig när paketet kom. Order 123456", "faulty_item"),
        ("hej, vill reklmaera jackan, blixtlåset har gått sönder", "faulty_item"),  # typo
        ("Var är mitt paket? Har väntat en vecka", "order_status"),
        ("Jeg vil gjerne returnere skoene, de var for små", "return"),
        ("Hvornår får jeg mine penge tilbage for returen?", "refund"),
        ("Kan jag avbeställa min order? Beställde två gånger", "change_cancel"),
        ("I was charged twice, please check my invoice", "payment"),
        ("Vilken storlek ska jag ta i jackan?", "product_question"),
        ("Hur lång leveranstid har ni till Kiruna?", "delivery_time"),
        ("Hej hej", "other"),  # nothing points anywhere
    ],
)
def test_the_keyword_model_reads_shop_mail(model, text, slug):
    assert model.guess(text).slug == slug


def test_it_learns_from_corrections():
    specs = [intent.TopicSpec.of(t) for t in DEFAULT_TOPICS]
    text = "Kartongen var blöt och innehållet förstört"
    assert intent.KeywordModel(specs).guess(text).slug != "faulty_item"
    taught = intent.KeywordModel(specs, [("faulty_item", "Kartongen var blöt, allt förstört")])
    assert taught.guess(text).slug == "faulty_item"


@pytest.mark.django_db
def test_an_email_without_topic_gets_one_by_detection():
    shop = ShopFactory()
    topics = seeded(shop)
    received = intake.receive(
        shop,
        "email",
        Inbound(
            from_address="kund@example.se",
            body_text="Hej, lampan kom trasig, glaset var krossat. Vad gör jag nu?",
            received_at=AT,
        ),
    )
    case = received.case
    case.refresh_from_db()
    assert case.topic == topics["faulty_item"]
    event = CaseEvent.objects.get(case=case, kind=EventKind.TOPIC)
    assert event.data["source"] == "detected"
    assert 0 < event.data["confidence"] <= 1


@pytest.mark.django_db
def test_a_shop_without_topics_is_left_alone():
    shop = ShopFactory()
    received = intake.receive(
        shop, "email", Inbound(from_address="k@example.se", body_text="Trasig mugg", received_at=AT)
    )
    assert received.case.topic is None


@pytest.mark.django_db
def test_the_shops_model_learns_from_its_agents():
    shop = ShopFactory()
    topics = seeded(shop)
    text = "Kartongen var blöt och innehållet förstört"
    assert intent.detect(shop, text).slug != "faulty_item"
    case = open_email_case(shop, AT, subject="", text="Kartongen var blöt, allt förstört")
    services.choose_topic(case, topics["faulty_item"], None, now=AT)
    assert intent.detect(shop, text).slug == "faulty_item"
