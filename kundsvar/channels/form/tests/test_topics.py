"""Topics first on the contact page and in the widget: each topic's own fields, its
recommended channel, and a promise that follows its response time (C2, C6, A4, S1)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from kundsvar.cases.models import Case, EventKind
from kundsvar.topics.tests.factories import seeded

from .conftest import fill

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def topics(shop):
    return seeded(shop)


def test_the_contact_page_shows_topics_first_and_the_generic_form(client, shop, topics):  # C2
    page = client.get(f"/s/{shop.slug}/?lang=sv").content.decode()
    assert page.index("Trasig eller felaktig vara") < page.index('name="message"')
    assert 'href="?lang=sv&amp;topic=faulty_item#form"' in page
    assert 'name="message"' in page  # the generic form needs no choice at all


def test_faulty_item_asks_for_order_and_photo_and_promises_8_hours(client, shop, topics, clock):
    page = client.get(f"/s/{shop.slug}/?lang=sv&topic=faulty_item").content.decode()
    assert 'name="order_number"' in page and 'required id="id_order_number"' in page
    assert "Ett foto av varan" in page or "A photo of the item" in page
    # Monday 10.00, open 08–17: eight working hours end on Tuesday at 09.00.
    assert "senast tisdag 24 november kl. 09.00" in page
    assert "reklamationer besvaras inom 8 timmar" in page
    assert 'href="?lang=sv#form"' in page  # the generic form one click away


def test_a_faulty_item_case_has_its_topic_photo_and_promise(
    client, shop, topics, clock, django_capture_on_commit_callbacks
):  # C2, A4
    data = fill(
        client,
        clock,
        shop,
        "?lang=sv&topic=faulty_item",
        topic="faulty_item",
        order_number="100234",
        message="Muggen var sprucken när paketet kom.",
    )
    data["attachment"] = SimpleUploadedFile("mugg.png", PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/s/{shop.slug}/?lang=sv&topic=faulty_item", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.topic == topics["faulty_item"]
    assert case.messages.get().attachments.count() == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "senast tisdag 24 november kl. 09.00 (reklamationer besvaras inom 8 timmar)" in thanks
    body = mail.outbox[0].body
    assert "senast tisdag 24 november kl. 09.00 (reklamationer besvaras inom 8 timmar)" in body


def test_a_required_order_number_is_asked_for(client, shop, topics, clock):
    data = fill(client, clock, shop, "?lang=sv&topic=change_cancel", topic="change_cancel")
    response = client.post(f"/s/{shop.slug}/?lang=sv", data)
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_delivery_takes_an_order_or_a_tracking_number(client, shop, topics, clock):
    query = "?lang=sv&topic=order_status"
    page = client.get(f"/s/{shop.slug}/{query}").content.decode()
    assert 'name="tracking_number"' in page
    data = fill(client, clock, shop, query, topic="order_status")
    assert client.post(f"/s/{shop.slug}/{query}", data).status_code == 400
    data = fill(client, clock, shop, query, topic="order_status", tracking_number="00370712345")
    assert client.post(f"/s/{shop.slug}/{query}", data).status_code == 302
    case = Case.objects.get()
    assert case.topic == topics["order_status"]
    assert "00370712345" in case.messages.get().body_text


def test_return_asks_which_items(client, shop, topics, clock):
    query = "?lang=sv&topic=return"
    data = fill(
        client, clock, shop, query, topic="return", order_number="100234", items="Blå jacka, M"
    )
    assert client.post(f"/s/{shop.slug}/{query}", data).status_code == 302
    assert "Blå jacka, M" in Case.objects.get().messages.get().body_text


def test_cancel_recommends_calling_now(client, shop, topics):
    page = client.get(f"/s/{shop.slug}/?lang=sv&topic=change_cancel").content.decode()
    assert "Ring eller chatta nu – ordern kan vara på väg att skickas." in page
    page = client.get(f"/s/{shop.slug}/?lang=en&topic=change_cancel").content.decode()
    assert "Call or chat now – the order may be about to ship." in page


def test_the_widget_lists_the_topics(client, shop, topics):
    page = client.get(f"/s/{shop.slug}/help/?lang=da").content.decode()
    assert "Defekt vare (reklamation)" in page
    assert "topic=faulty_item#form" in page


def test_the_topic_choice_is_audited_only_when_changed(client, shop, topics, clock):
    data = fill(client, clock, shop, "?lang=sv&topic=other", topic="other")
    client.post(f"/s/{shop.slug}/?lang=sv", data)
    case = Case.objects.get()
    assert case.topic == topics["other"]
    assert not case.events.filter(kind=EventKind.TOPIC).exists()  # chosen at opening
