"""Rule A5: the acknowledgement shows the order's status, delivery window and tracking
link — but only for an order proven to be the customer's, never for a guess."""

from datetime import UTC, date, datetime

import pytest

from kundsvar.cases.models import Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import emails, pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import SHOP_ADDRESS, mail, parsed_outbound
from kundsvar.commerce import panels
from kundsvar.commerce.matching import link_confirmed, match_case
from kundsvar.commerce.models import OrderStatus
from kundsvar.commerce.tests.factories import OrderFactory, ShipmentFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TRACKING = "https://www.postnord.se/track-and-trace/RR123456785SE"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(T0, tick=True)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", email=SHOP_ADDRESS)


@pytest.fixture
def order(shop):
    order = OrderFactory(
        shop=shop,
        number="100231",
        email="karin@example.se",
        status=OrderStatus.SHIPPED,
        postcode="11122",
    )
    ShipmentFactory(
        order=order,
        carrier="postnord",
        carrier_name="PostNord",
        tracking_number="RR123456785SE",
        expected_from=date(2026, 11, 25),
        expected_to=date(2026, 11, 26),
    )
    return order


def bodies(built) -> tuple[str, str]:
    return (built.get_body(("plain",)).get_content(), built.get_body(("html",)).get_content())


def ack_for(case):
    match_case(case, now=T0)
    question = case.messages.get(direction=Direction.INBOUND)
    return bodies(emails.acknowledgement(case, question))


def test_the_acknowledgement_tracks_a_certain_order(shop, order):  # A5, O4
    row = pipeline.receive(mail(), shop=shop, source="smtp", received_at=T0)
    sent = parsed_outbound(
        OutboundEmail.objects.get(case=row.case_message.case, kind=OutboundKind.ACK)
    )
    text, html = bodies(sent)
    for body in (text, html):
        assert TRACKING in body
        assert "100231" in body
        assert "25–26 november" in body  # O3: the window, in Swedish
        assert "/o/" in body  # the signed order status page (O2)


@pytest.mark.parametrize(
    ("language", "window"), [("sv", "25–26 november"), ("en", "25–26 November")]
)
def test_in_the_customers_language(shop, order, language, window):  # A5, R7
    case = open_email_case(
        shop,
        T0,
        sender="karin@example.se",
        subject="Paket",
        text="Hej! Var är min order 100231?",
        language=language,
    )
    text, html = ack_for(case)
    assert TRACKING in text and TRACKING in html
    assert window in text and window in html


@pytest.mark.parametrize("language", ["sv", "en"])
def test_nothing_about_an_order_that_is_not_proven(shop, order, language):  # A5, C4
    case = open_email_case(
        shop,
        T0,
        sender="someone@elsewhere.example",
        subject="Paket",
        text="Var är order 100231?",
        language=language,
    )
    text, html = ack_for(case)
    assert case.order_links.get().certain is False
    for body in (text, html):
        assert "postnord" not in body.lower()
        assert "RR123456785SE" not in body
        assert "/o/" not in body


def test_two_namesakes_get_no_order_in_the_acknowledgement(shop, order):  # A5, C4
    OrderFactory(shop=shop, number="100232", email="other@example.se", name=order.name)
    case = open_email_case(
        shop,
        T0,
        sender=f"{order.name} <new@elsewhere.example>",
        subject="Leverans",
        text="Var är mitt paket?",
    )
    text, html = ack_for(case)
    assert case.order_links.count() == 2
    assert "100231" not in text and "100232" not in text
    assert TRACKING not in html


def test_an_agent_confirmed_order_is_shown(shop, order):  # A5
    case = open_email_case(
        shop, T0, sender="someone@elsewhere.example", subject="Paket", text="Hej!"
    )
    link_confirmed(case, order, now=T0)
    question = case.messages.get()
    text, html = bodies(emails.acknowledgement(case, question))
    assert TRACKING in text and TRACKING in html


def test_the_status_page_link_only_when_there_is_one(shop, order, monkeypatch):  # A5, O2
    monkeypatch.setattr(panels, "order_status_url", lambda order, language="": "")
    case = open_email_case(shop, T0, sender="karin@example.se", subject="Paket", text="?")
    text, html = ack_for(case)
    assert TRACKING in text
    assert "/o/" not in text and "/o/" not in html


def test_a_delivered_order_promises_no_window(shop, order):  # A5, O3
    order.status = OrderStatus.DELIVERED
    order.save(update_fields=["status"])
    case = open_email_case(shop, T0, sender="karin@example.se", subject="Paket", text="?")
    text, html = ack_for(case)
    assert "100231" in text
    assert "25–26" not in text and "25–26" not in html


def test_a_reply_about_a_proven_order_links_its_status_page(shop, order):  # O2, A5
    from kundsvar.cases import services
    from kundsvar.shops.tests.factories import AgentFactory

    agent = AgentFactory(shops=[shop])
    proven = open_email_case(shop, T0, sender="karin@example.se", subject="Order 100231")
    guessed = open_email_case(shop, T0, sender="other@example.se", subject="Order 100231")
    for case in (proven, guessed):
        match_case(case, now=T0)
        services.reply(case, agent, "Hej! Paketet är på väg.")
    texts = {
        case.pk: bodies(
            parsed_outbound(OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY))
        )[0]
        for case in (proven, guessed)
    }
    assert "Din order 100231, vara för vara:" in texts[proven.pk]
    assert "/o/" in texts[proven.pk]
    assert "/o/" not in texts[guessed.pk]  # never another customer's order


def test_the_order_page_links_open_in_the_case_language(shop, order, client):  # R7, O2
    from kundsvar.cases import services
    from kundsvar.shops.tests.factories import AgentFactory

    case = open_email_case(
        shop,
        T0,
        sender="karin@example.se",
        subject="Order 100231",
        text="Hi, where is my order? It was meant to arrive on Monday.",
    )
    assert case.language == "en"
    text, html = ack_for(case)
    services.reply(case, AgentFactory(shops=[shop]), "Hi! It is on its way.")
    reply = bodies(parsed_outbound(OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)))[
        0
    ]
    links = [word for body in (text, reply) for word in body.split() if "/o/" in word]
    assert links and all(link.endswith("?lang=en") for link in links)
    page = client.get(links[0][links[0].index("/o/") :]).content.decode()
    assert "Your order 100231" in page
