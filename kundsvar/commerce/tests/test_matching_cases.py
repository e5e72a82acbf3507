"""Rule C4: an inquiry finds its order from what the customer wrote — a table of the
ways customers actually write, and what must (and must not) be linked."""

from datetime import UTC, datetime

import pytest

from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.commerce.matching import certain_order, match_case
from kundsvar.commerce.models import CaseOrder, MatchState
from kundsvar.commerce.tests.factories import OrderFactory, ShipmentFactory
from kundsvar.customers.models import CustomerEmail
from kundsvar.customers.services import find_or_create_customer
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken")


@pytest.fixture
def order(shop):
    return OrderFactory(
        shop=shop,
        number="10234",
        email="karin.lindqvist@example.se",
        name="Karin Lindqvist",
        phone="070-123 45 67",
        postcode="11122",
    )


def links(case):
    return {link.order.number: link for link in match_case(case, now=T0)}


# (sender, subject, text, reasons, certain) for the order 10234 above.
TABLE = [
    # Another address, the number in the subject: found, but not proven the writer's.
    ("karin.jobb@firma.se", "Order 10234", "Var är min jacka?", ["order_number"], False),
    # Another address, number and the delivery postcode: proven.
    (
        "karin.jobb@firma.se",
        "Jacka",
        "Hej! Ordernr 10234, jag bor på 111 22 Stockholm.",
        ["order_number", "postcode"],
        True,
    ),
    # Another address, number and the phone number from the order: proven.
    (
        "karin.jobb@firma.se",
        "",
        "Beställning 10234. Ring mig på +46 70 123 45 67.",
        ["order_number", "phone"],
        True,
    ),
    # The order's own address and "#" in the body: proven.
    (
        "karin.lindqvist@example.se",
        "Fråga",
        "Hej, gäller #10234 – fel storlek.",
        ["order_number", "email"],
        True,
    ),
    # The order's own address and no number at all: their latest order, proven.
    ("Karin.Lindqvist@example.se", "Var är paketet?", "Hej! Inget har kommit.", ["email"], True),
]


@pytest.mark.parametrize(("sender", "subject", "text", "reasons", "certain"), TABLE)
def test_the_order_is_found_from_what_the_customer_wrote(
    shop, order, sender, subject, text, reasons, certain
):  # C4
    case = open_email_case(shop, T0, sender=sender, subject=subject, text=text)
    found = links(case)
    assert list(found) == ["10234"]
    link = found["10234"]
    assert link.reasons == reasons
    assert link.certain is certain
    assert link.state == MatchState.SUGGESTED
    assert 0 < link.confidence <= 100
    assert certain_order(case) == (order if certain else None)  # A5: only when proven


def test_a_given_number_weighs_more_than_a_lone_name(shop, order):  # C4
    by_number = open_email_case(shop, T0, sender="x@firma.se", subject="Order 10234", text="?")
    by_name = open_email_case(
        shop, T0, sender="Karin Lindqvist <kl@firma.se>", subject="Hej", text="Var är min jacka?"
    )
    assert links(by_number)["10234"].confidence > links(by_name)["10234"].confidence


def test_a_tracking_number_alone_finds_the_order(shop, order):  # C4, O4
    ShipmentFactory(order=order, tracking_number="RR123456785SE")
    case = open_email_case(
        shop,
        T0,
        sender="okand@example.org",
        subject="Paket",
        text="Mitt paket RR 123 456 785 SE har inte kommit.",
    )
    link = links(case)["10234"]
    assert link.reasons == ["tracking_number"]
    assert not link.certain  # a tracking number can be forwarded: not proof of who writes
    assert certain_order(case) is None


def test_a_tracking_number_from_the_buyers_address_is_proof(shop, order):  # C4
    ShipmentFactory(order=order, tracking_number="RR123456785SE")
    case = open_email_case(
        shop,
        T0,
        sender="karin.lindqvist@example.se",
        subject="Paket",
        text="Kolli RR123456785SE står still sedan i fredags.",
    )
    link = links(case)["10234"]
    assert link.reasons == ["tracking_number", "email"]
    assert link.certain
    assert certain_order(case) == order


def test_two_customers_with_the_same_name_are_never_confused(shop):  # C4, A5
    first = OrderFactory(
        shop=shop,
        number="20001",
        email="anna.a@example.se",
        name="Anna Andersson",
        postcode="41101",
    )
    second = OrderFactory(
        shop=shop,
        number="20002",
        email="anna.b@example.se",
        name="Anna Andersson",
        postcode="90325",
    )
    case = open_email_case(
        shop,
        T0,
        sender="Anna Andersson <anna@nytt.example>",
        subject="Leverans",
        text="Hej, när kommer mina skor?",
    )
    found = links(case)
    assert set(found) == {first.number, second.number}
    assert all(link.reasons == ["name"] and not link.certain for link in found.values())
    assert certain_order(case) is None  # nothing shown to the customer


def test_postcode_and_name_suggest_but_do_not_prove(shop):  # C4
    mine = OrderFactory(
        shop=shop, number="30001", email="per@hemma.example", name="Per Persson", postcode="41101"
    )
    OrderFactory(
        shop=shop, number="30002", email="per2@example.se", name="Per Persson", postcode="90325"
    )
    case = open_email_case(
        shop,
        T0,
        sender="Per Persson <per@jobbet.example>",
        subject="",
        text="Hej, jag väntar på ett paket till 411 01 Göteborg.",
    )
    ranked = match_case(case, now=T0)
    assert ranked[0].order == mine
    assert ranked[0].reasons == ["postcode", "name"]
    assert ranked[0].confidence > ranked[1].confidence
    assert not ranked[0].certain
    assert certain_order(case) is None


def test_an_order_number_of_another_shop_never_matches(shop, order):  # C4, A5
    other = ShopFactory(name="Grannbutiken")
    OrderFactory(shop=other, number="55555", email="karin.lindqvist@example.se")
    case = open_email_case(
        shop,
        T0,
        sender="karin.lindqvist@example.se",
        subject="Order 55555",
        text="Var är min order 55555?",
    )
    found = links(case)
    assert "55555" not in found
    assert all(link.order.shop_id == shop.pk for link in CaseOrder.objects.all())


def test_the_customers_own_reply_adds_the_match_later(shop, order):  # C4
    case = open_email_case(
        shop, T0, sender="karin.jobb@firma.se", subject="Min jacka", text="Hej! Var är min jacka?"
    )
    assert links(case) == {}
    write_again(
        case,
        T0,
        text="Förlåt, ordernumret är 10234 och postnumret 111 22.",
        sender="karin.jobb@firma.se",
    )
    link = links(case)["10234"]
    assert link.reasons == ["order_number", "postcode"]
    assert link.certain
    assert certain_order(case) == order


def test_the_case_number_in_a_quoted_subject_is_not_an_order_number(shop):  # C4
    case = open_email_case(shop, T0, sender="someone@example.org", subject="Hej", text="?")
    OrderFactory(shop=shop, number=str(case.number), email="stranger@example.se")
    write_again(case, T0, sender="someone@example.org", text="Tack för svaret.")
    case.messages.update(subject=f"Re: Nätbutiken: Vi har tagit emot din fråga [#{case.number}]")
    assert links(case) == {}


def test_loose_digits_never_push_aside_the_writers_own_order(shop, order):  # C4, A5
    OrderFactory(shop=shop, number="1200", email="stranger@example.se", name="Sven Svensson")
    case = open_email_case(
        shop,
        T0,
        sender="karin.lindqvist@example.se",
        subject="Jacka",
        text="Jag betalade 1200 kr men har inte fått något.",
    )
    assert certain_order(case) is None  # not matched yet
    found = links(case)
    assert found["10234"].certain and found["10234"].reasons == ["email"]
    assert not found["1200"].certain
    assert certain_order(case) == order


def test_the_latest_of_the_buyers_orders_ranks_first(shop, order):  # C4
    older = OrderFactory(
        shop=shop, number="9001", email=order.email, placed_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    case = open_email_case(shop, T0, sender=order.email, subject="Leverans", text="Hej!")
    ranked = match_case(case, now=T0)
    assert [link.order for link in ranked] == [order, older]
    assert ranked[0].confidence > ranked[1].confidence
    assert certain_order(case) == order


def test_a_proven_link_joins_the_customer_and_the_order(shop, order):  # C4
    case = open_email_case(
        shop, T0, sender="karin.jobb@firma.se", subject="Order 10234", text="Postnummer 11122."
    )
    match_case(case, now=T0)
    order.refresh_from_db()
    assert order.customer == case.customer
    assert set(
        CustomerEmail.objects.filter(customer=case.customer).values_list("address", flat=True)
    ) == {"karin.jobb@firma.se", "karin.lindqvist@example.se"}


def test_an_order_of_another_customer_row_keeps_its_owner(shop, order):  # C4, C5
    owner = find_or_create_customer(shop, order.email, order.name)
    order.customer = owner
    order.save(update_fields=["customer"])
    case = open_email_case(
        shop, T0, sender="karin.jobb@firma.se", subject="Order 10234", text="Postnummer 11122."
    )
    assert links(case)["10234"].certain
    order.refresh_from_db()
    case.refresh_from_db()
    assert order.customer == owner  # the writer joined the buyer, not the other way round
    assert case.customer == owner
    assert CustomerEmail.objects.filter(customer=owner, address="karin.jobb@firma.se").exists()


def test_matching_again_keeps_the_rows_and_only_adds(shop, order):  # C4
    case = open_email_case(shop, T0, sender="x@firma.se", subject="Order 10234", text="?")
    first = links(case)["10234"]
    again = links(case)["10234"]
    assert first.pk == again.pk
    assert CaseOrder.objects.filter(case=case).count() == 1
