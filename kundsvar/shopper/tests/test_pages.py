"""A logged-in shopper is recognised in the widget, the form and the chat, and sees their
orders' status without asking (rules C2, C4, O1, O2, O7, K3)."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.models import Case
from kundsvar.shopper import identity, services
from kundsvar.shopper.models import OrderStatusView, VerifiedMessage
from kundsvar.shops.tests.factories import AgentFactory

from .conftest import MONDAY_10, signed, token_in

pytestmark = pytest.mark.django_db


def test_the_widget_shows_a_signed_shoppers_orders_with_each_items_status(
    client, clock, shop, orders
):  # O1, O2
    page = client.get(f"/s/{shop.slug}/help/?lang=sv&{signed(shop)}").content.decode()
    mine = page[page.index('id="help-mine"') : page.index('id="help-faq"')]
    assert "Anna Svensson" in mine
    assert 'data-order="1050"' in mine and 'data-order="1042"' in mine
    assert mine.index("1050") < mine.index("1042")  # the newest first
    assert "Vantar" in mine and "Vinterjacka" in mine
    assert "torsdag 3 december" in mine  # the mittens' date in stock
    assert "2001" not in page  # never someone else's order
    assert OrderStatusView.objects.filter(shop=shop, email="anna@example.se").count() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"ks_email": "eva@example.se"},  # tampered: another shopper's email
        {"ks_sig": "0" * 64},  # made up
        {"ks_sig": ""},  # unsigned
    ],
)
def test_a_tampered_or_unsigned_visitor_is_anonymous(client, clock, shop, orders, query):  # C4
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop, **query)}").content.decode()
    assert 'id="help-mine"' not in page and "1042" not in page and "Anna" not in page
    assert 'id="help-order"' in page  # the order lookup as for everyone
    assert not OrderStatusView.objects.exists()


def test_an_expired_signature_falls_back_to_anonymous(client, clock, shop, orders):
    query = signed(shop)
    clock.shift(timedelta(hours=25))
    assert 'id="help-mine"' not in client.get(f"/s/{shop.slug}/help/?{query}").content.decode()


def test_a_new_secret_ends_every_old_signature(client, clock, shop, orders):
    query = signed(shop)
    services.rotate_secret(shop)
    assert 'id="help-mine"' not in client.get(f"/s/{shop.slug}/help/?{query}").content.decode()


def _send_form(client, clock, shop, token, **fields):
    page = client.get(f"/s/{shop.slug}/?t={token}")
    html = page.content.decode()
    clock.shift(timedelta(seconds=20))
    data = {
        "session": re.search(r'name="session" value="([^"]+)"', html).group(1),
        "name": re.search(r'name="name"[^>]*value="([^"]*)"', html).group(1),
        "email": re.search(r'name="email"[^>]*value="([^"]*)"', html).group(1),
        "order_number": "",
        "topic": "",
        "message": "Hej! När kommer mina vantar? De står som väntade.",
        "homepage": "",
        **fields,
    }
    return client.post(f"/s/{shop.slug}/?t={token}", data)


def test_the_form_is_prefilled_and_the_message_marked_verified(
    client, clock, shop, orders
):  # C2, C4
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop)}").content.decode()
    token = unquote(token_in(page[page.index('id="help-contact"') :]))
    form = client.get(f"/s/{shop.slug}/?t={token}").content.decode()
    assert 'value="Anna Svensson"' in form and 'value="anna@example.se"' in form
    assert _send_form(client, clock, shop, token).status_code == 302
    message = Case.objects.get().messages.get()
    assert VerifiedMessage.objects.get(message=message).external_id == "1001"
    assert message.case.customer.primary_email == "anna@example.se"
    # The order view before it is now followed by a contact (K3).
    assert OrderStatusView.objects.get().contacted_at is not None


def test_asking_about_one_order_links_it_for_certain(client, clock, shop, orders):  # C4
    page = client.get(f"/s/{shop.slug}/my-orders/?{signed(shop)}").content.decode()
    card = page[page.index('data-order="1042"') :]
    ask = (
        re.search(r'href="([^"]+)">[^<]*</a>\s*</p>\s*</article>', card)
        .group(1)
        .replace("&amp;", "&")
    )
    token = unquote(re.search(r"[?&]t=([^&]+)", ask).group(1))
    form = client.get(f"/s/{shop.slug}/?t={token}").content.decode()
    assert 'value="1042"' in form
    _send_form(client, clock, shop, token, order_number="1042")
    link = Case.objects.get().order_links.get()
    assert (link.order.number, link.certain) == ("1042", True)


def test_a_message_from_another_address_is_not_marked_verified(client, clock, shop, orders):
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop)}").content.decode()
    token = unquote(token_in(page[page.index('id="help-contact"') :]))
    _send_form(client, clock, shop, token, email="someone.else@example.se")
    assert Case.objects.count() == 1 and not VerifiedMessage.objects.exists()


def test_the_chat_starts_prefilled_and_verified(client, clock, shop, orders):  # C2
    from kundsvar.channels.chat import services as chat
    from kundsvar.channels.chat.models import Availability

    chat.set_availability(AgentFactory(shops=[shop]), Availability.ONLINE)
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop)}").content.decode()
    token = unquote(token_in(page[page.index('id="help-contact"') :]))
    response = client.post(reverse("chat:start", args=[shop.slug]), {"text": "Hej!", "t": token})
    assert response.status_code == 201
    message = Case.objects.get().messages.get()
    assert message.from_address == "anna@example.se" and message.from_name == "Anna Svensson"
    assert VerifiedMessage.objects.filter(message=message).exists()


def test_another_shops_token_verifies_nobody(client, clock, shop, orders):  # C4
    from kundsvar.shops.tests.factories import ShopFactory

    other = ShopFactory()
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop)}").content.decode()
    token = unquote(token_in(page[page.index('id="help-contact"') :]))
    assert services.verified_from_token(shop, token, "anna@example.se") is not None
    assert services.verified_from_token(other, token, "anna@example.se") is None
    assert services.verified_from_token(shop, token, "eva@example.se") is None
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    assert services.verified_from_token(shop, tampered, "anna@example.se") is None


def test_my_orders_page_shows_status_tracking_and_the_return_policy(
    client, clock, shop, orders
):  # O7
    response = client.get(f"/s/{shop.slug}/my-orders/?lang=sv&{signed(shop)}")
    page = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert 'href="https://www.postnord.se/track-and-trace/RR123456785SE"' in page
    assert "30 dagar" in page and "49" in page  # return days and the fee (O7)
    assert "Vantar" in page and "Vinterjacka" in page and "2001" not in page


def test_my_orders_page_for_an_anonymous_visitor_offers_the_lookup(client, clock, shop, orders):
    page = client.get(f"/s/{shop.slug}/my-orders/").content.decode()
    assert "1042" not in page and reverse("commerce:lookup", args=[shop.slug]) in page


def test_the_latest_order_line_is_opt_in_and_answers_the_shops_site_only(
    client, clock, shop, orders
):
    url = f"/s/{shop.slug}/my-orders/latest.json?lang=sv&{signed(shop)}"
    assert client.get(url, HTTP_ORIGIN="https://www.nordljus.se").json() == {}  # off
    services.save_settings(shop, enabled=True, latest_order_line=True)
    response = client.get(url, HTTP_ORIGIN="https://www.nordljus.se")
    body = response.json()
    assert body["line"].startswith("Order 1050") or body["line"].startswith("Beställning 1050")
    assert body["url"].startswith(f"/s/{shop.slug}/my-orders/")
    assert response["Access-Control-Allow-Origin"] == "https://www.nordljus.se"
    other = client.get(url, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    assert client.get(url.replace("ks_sig=", "ks_sig=00")).json() == {}


def test_switched_off_the_shop_trusts_no_signature(client, clock, shop, orders):
    query = signed(shop)
    services.save_settings(shop, enabled=False, latest_order_line=False)
    assert 'id="help-mine"' not in client.get(f"/s/{shop.slug}/help/?{query}").content.decode()


def test_settings_page_is_for_admins_and_its_html_snippet_verifies(client, clock, shop):
    url = reverse("settings:shopper_identity", args=[shop.slug])
    agent = AgentFactory(shops=[shop])
    client.force_login(agent)
    assert client.get(url).status_code == 403
    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(url).content.decode()
    secret = services.settings_for(shop).secret
    assert secret in page and "hmac_sha256" in page and "hash_hmac" in page
    # The example in the HTML snippet is a real signature for its own fields.
    sig = re.search(r"data-customer-signature=&quot;([0-9a-f]{64})&quot;", page).group(1)
    assert sig == identity.signature(secret, "anna@example.se", "1001", 1767225600, "Anna Svensson")
    assert client.post(url, {"action": "rotate"}).status_code == 302
    assert services.settings_for(shop).secret != secret
    client.post(url, {"enabled": "on", "latest_order_line": "on"})
    assert services.settings_for(shop).latest_order_line


def test_the_agent_sees_the_verified_mark_on_the_message(client, clock, shop, orders):
    page = client.get(f"/s/{shop.slug}/help/?{signed(shop)}").content.decode()
    token = unquote(token_in(page[page.index('id="help-contact"') :]))
    _send_form(client, clock, shop, token)
    case = Case.objects.get()
    client.force_login(AgentFactory(shops=[shop]))
    detail = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Verified by the shop" in detail or "Verifierad" in detail


def test_the_deflection_report_counts_order_status_views(client, clock, shop):  # K3
    for hours, contacted in ((30, True), (40, False), (50, False), (2, False)):
        view = services.record_order_view(
            shop, "anna@example.se", MONDAY_10 - timedelta(hours=hours)
        )
        if contacted:
            services.record_contact(shop, "anna@example.se", view.viewed_at + timedelta(hours=1))
    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("form:deflection")).content.decode()
    section = page[page.index("data-order-views") :]
    # The view two hours ago cannot tell yet; of the three older ones one led to a question.
    assert "3 visningar, 2 utan någon fråga efteråt (67 %)" in " ".join(section.split())
