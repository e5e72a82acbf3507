"""Rules C4, T3, R6, O4, O6: the case view shows by itself how the case was linked to an
order, and the customer's orders — lines, parcels, returns, refunds and the messages
already sent — with one click to confirm, change or reject the link."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.commerce.matching import certain_order, match_case
from kundsvar.commerce.models import (
    CaseOrder,
    DeductionReason,
    LineStatus,
    MatchState,
    MessageKind,
    OrderMessage,
    Refund,
    RefundDeduction,
    RefundLine,
    Return,
    ReturnLine,
    ShipmentEvent,
    ShipmentStatus,
)
from kundsvar.commerce.tests.factories import OrderFactory, OrderLineFactory, ShipmentFactory
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken")


@pytest.fixture
def alice(shop):
    return AgentFactory(shops=[shop], first_name="Alice", language="en")  # asserts read English


@pytest.fixture
def mallory():
    """An agent of another shop."""
    return AgentFactory(shops=[ShopFactory()], first_name="Mallory")


def full_order(shop, number="10234", email="karin@example.se", placed=None):
    order = OrderFactory(
        shop=shop,
        number=number,
        email=email,
        placed_at=placed or datetime(2026, 11, 20, 10, tzinfo=UTC),
    )
    jacket = OrderLineFactory(order=order, name="Vinterjacka", status=LineStatus.SHIPPED)
    OrderLineFactory(
        order=order, name="Mössa", status=LineStatus.WAITING, expected_at=date(2026, 12, 2)
    )
    parcel = ShipmentFactory(
        order=order,
        tracking_number=f"RR{number[-5:]}0000SE",
        expected_from=date(2026, 11, 25),
        expected_to=date(2026, 11, 26),
    )
    ShipmentEvent.objects.create(
        shipment=parcel,
        happened_at=T0,
        status=ShipmentStatus.IN_TRANSIT,
        description="Försändelsen är sorterad",
        location="Rosersberg",
    )
    ret = Return.objects.create(order=order, reason="Fel storlek", created_at=T0, received_at=T0)
    ReturnLine.objects.create(ret=ret, line=jacket)
    refund = Refund.objects.create(
        order=order,
        paid_minor=79_900,
        deducted_minor=5_900,
        refunded_minor=74_000,
        created_at=T0,
        paid_at=T0,
    )
    RefundLine.objects.create(
        refund=refund, line=jacket, description="Vinterjacka", amount_minor=79_900
    )
    RefundDeduction.objects.create(
        refund=refund,
        reason=DeductionReason.RETURN_SHIPPING,
        amount_minor=5_900,
        policy_text="Returfrakt 59 kr dras av vid ångerköp.",
    )
    OrderMessage.objects.create(
        order=order,
        kind=MessageKind.SHIPPED,
        key=f"shipped:{parcel.pk}",
        language="sv",
        to_address=email,
        created_at=T0,
        subject="Din order är skickad",
    )
    return order


@pytest.fixture
def case(shop):
    return open_email_case(
        shop, T0, sender="karin.jobb@firma.se", subject="Order 10234", text="Hej! Var är min jacka?"
    )


def detail(client, case):
    return client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_the_case_view_shows_the_match_and_the_order_by_itself(
    client, alice, shop, case
):  # C4, T3, R6
    full_order(shop)
    match_case(case, now=T0)
    client.force_login(alice)
    page = detail(client, case)
    assert 'class="commerce-panel"' in page
    assert "#10234" in page
    assert "Possible match, 50%" in page
    assert "order number in the message" in page
    assert "Not proven" in page
    # The order itself: lines with their status, the parcel, its last event.
    for text in (
        "Vinterjacka",
        "Mössa",
        "Waiting for goods",
        "PostNord",
        "https://www.postnord.se/track-and-trace/RR102340000SE",
        "Försändelsen är sorterad",
        "Rosersberg",
    ):
        assert text in page, text
    # O6: the refund itemised, with the policy line behind the deduction.
    assert "Returfrakt 59 kr dras av vid ångerköp." in page
    assert "740.00" in page  # money in the agent's language (English here)
    assert "Fel storlek" in page
    # O1: the proactive messages on the customer's timeline.
    assert "Din order är skickad" in page


def test_confirm_by_one_click(client, alice, shop, case):  # C4
    order = full_order(shop)
    match_case(case, now=T0)
    client.force_login(alice)
    url = reverse("commerce_agent:confirm", args=[case.number, order.pk])
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert "commerce-panel" in response.content.decode()
    assert "Confirmed" in response.content.decode()
    link = CaseOrder.objects.get(case=case)
    assert (link.state, link.decided_by) == (MatchState.CONFIRMED, alice)
    assert certain_order(case) == order


def test_without_htmx_the_click_returns_to_the_case(client, alice, shop, case):  # C4
    order = full_order(shop)
    client.force_login(alice)
    response = client.post(reverse("commerce_agent:confirm", args=[case.number, order.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])


def test_change_to_another_of_the_customers_orders(client, alice, shop, case):  # C4
    first = full_order(shop)
    second = full_order(shop, number="10300")
    match_case(case, now=T0)
    client.force_login(alice)
    client.post(reverse("commerce_agent:confirm", args=[case.number, first.pk]), **HTMX)
    client.post(reverse("commerce_agent:link", args=[case.number]), {"order": second.pk}, **HTMX)
    assert certain_order(case) == second
    assert CaseOrder.objects.filter(case=case, state=MatchState.CONFIRMED).count() == 1


def test_change_by_typing_a_number(client, alice, shop, case):  # C4
    wanted = full_order(shop, number="10300")
    client.force_login(alice)
    response = client.post(
        reverse("commerce_agent:link", args=[case.number]), {"number": "#10300"}, **HTMX
    )
    assert response.status_code == 200
    assert certain_order(case) == wanted


def test_a_number_of_another_shop_is_not_found(client, alice, shop, case):  # C4
    OrderFactory(shop=ShopFactory(), number="99999")
    client.force_login(alice)
    response = client.post(
        reverse("commerce_agent:link", args=[case.number]), {"number": "99999"}, **HTMX
    )
    assert "No order 99999 in this shop." in response.content.decode()
    assert not CaseOrder.objects.exists()


def test_reject_a_suggestion(client, alice, shop, case):  # C4
    order = full_order(shop)
    match_case(case, now=T0)
    client.force_login(alice)
    response = client.post(reverse("commerce_agent:reject", args=[case.number, order.pk]), **HTMX)
    assert response.status_code == 200
    assert "Rejected:" in response.content.decode()
    assert CaseOrder.objects.get(case=case).state == MatchState.REJECTED


@pytest.mark.parametrize("name", ["confirm", "reject"])
def test_another_shops_agent_gets_404(client, mallory, shop, case, name):  # C4
    order = full_order(shop)
    match_case(case, now=T0)
    client.force_login(mallory)
    response = client.post(reverse(f"commerce_agent:{name}", args=[case.number, order.pk]), **HTMX)
    assert response.status_code == 404
    assert client.get(reverse("commerce_agent:panel", args=[case.number])).status_code == 404
    response = client.post(
        reverse("commerce_agent:link", args=[case.number]), {"number": "10234"}, **HTMX
    )
    assert response.status_code == 404
    assert CaseOrder.objects.get(case=case).state == MatchState.SUGGESTED


def test_an_order_of_another_shop_cannot_be_clicked_onto_the_case(client, alice, case):  # C4
    foreign = OrderFactory(shop=ShopFactory(), number="10234")
    client.force_login(alice)
    url = reverse("commerce_agent:confirm", args=[case.number, foreign.pk])
    assert client.post(url, **HTMX).status_code == 404
    assert not CaseOrder.objects.exists()


def test_the_clicks_need_a_login_post_and_csrf(alice, shop, case):  # C4
    order = full_order(shop)
    url = reverse("commerce_agent:confirm", args=[case.number, order.pk])
    anonymous = Client()
    assert anonymous.post(url, **HTMX).status_code == 302  # to the login page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, **HTMX).status_code == 403
    assert strict.get(url).status_code == 405
    assert not CaseOrder.objects.exists()


def test_a_shop_without_orders_shows_no_panel(client, alice, case):  # T3
    client.force_login(alice)
    assert "commerce-panel" not in detail(client, case)


def test_the_panel_query_count_does_not_grow_with_orders(
    client, alice, shop, case, django_assert_max_num_queries
):  # T3
    from kundsvar.commerce.panels import render_panel

    for n in range(6):
        full_order(
            shop,
            number=f"1030{n}",
            email="karin.jobb@firma.se",
            placed=datetime(2026, 11, 1 + n, tzinfo=UTC),
        )
    full_order(shop)
    match_case(case, now=T0)
    # Links, addresses, orders, lines, parcels, events, returns, return lines, refunds,
    # refund lines, deductions, messages, carriers: one query each, however many orders.
    with django_assert_max_num_queries(14):
        html = render_panel(case)
    assert html.count('class="order"') == 7
