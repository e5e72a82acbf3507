"""A customer on WhatsApp or Messenger who is already known by email or phone: the case
suggests the match, and an agent confirms it (families share numbers) — then one
customer holds both, with one history (C5)."""

import pytest
from django.urls import reverse

from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.customers.models import CustomerHandle
from kundsvar.customers.services import add_phone
from kundsvar.shops.tests.factories import AgentFactory

from . import payloads

pytestmark = pytest.mark.django_db


def test_an_email_address_the_customer_writes_is_suggested_and_linked_on_confirmation(  # C5
    client, deliver, messenger, graph, now
):
    shop = messenger.shop
    known = open_email_case(shop, now, sender="karin@example.se").customer
    text = "Hej, jag beställde med karin@example.se, var är paketet?"
    deliver(messenger, payloads.messenger(payloads.text_event("m_1", text, now), at=now))
    case = Case.objects.get(channel="messenger")
    assert case.customer != known  # not linked by itself
    agent = AgentFactory(shops=[shop], language="en")
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Maybe the same person" in page and "karin@example.se" in page
    client.post(reverse("social:link_customer", args=[case.number]), {"customer": known.pk})
    case.refresh_from_db()
    assert case.customer == known
    assert CustomerHandle.objects.get(kind="messenger").customer == known
    assert set(known.cases.values_list("channel", flat=True)) == {"email", "messenger"}


def test_a_known_phone_number_is_suggested_for_a_whatsapp_customer(
    client, deliver, whatsapp, graph, now
):
    shop = whatsapp.shop
    known = open_email_case(shop, now, sender="sheena@example.se").customer
    add_phone(known, "070-123 45 67", "SE")
    deliver(whatsapp, payloads.whatsapp(payloads.wa_text("wamid.1", "Hej!", now)))
    case = Case.objects.get(channel="whatsapp")
    from kundsvar.channels.social import services

    assert [c for c, _why in services.suggestions(case)] == [known]


def test_only_a_suggested_customer_can_be_linked(client, deliver, messenger, graph, now):
    shop = messenger.shop
    stranger = open_email_case(shop, now, sender="other@example.se").customer
    deliver(messenger, payloads.messenger(payloads.text_event("m_1", "Hej!", now), at=now))
    case = Case.objects.get(channel="messenger")
    client.force_login(AgentFactory(shops=[shop]))
    client.post(reverse("social:link_customer", args=[case.number]), {"customer": stranger.pk})
    case.refresh_from_db()
    assert case.customer != stranger
