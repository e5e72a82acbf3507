"""Sending the form: a form-channel case, the acknowledgement in the outbox, and a
thanks page with the case number and the promise (rules C2, A1, A2, A4)."""

import re

import pytest
from django.core import mail

from kundsvar.cases.models import Case, EventKind
from kundsvar.channels.form.models import FormSession
from kundsvar.channels.outbox import OutboundKind

from .conftest import fill

pytestmark = pytest.mark.django_db


def acknowledgements():
    """Every acknowledgement row in the outbox, of any case (the rows of whichever
    channel carries the answer: the form's go out by email)."""
    return Case.outbound.rel.related_model.objects.filter(kind=OutboundKind.ACK)


def send(client, clock, shop, query="?lang=sv", **fields):
    data = fill(client, clock, shop, query, **fields)
    return client.post(f"/s/{shop.slug}/{query}", data)


def test_question_becomes_a_form_case(client, shop, clock):  # C5
    response = send(client, clock, shop)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.shop, case.channel, case.language) == (shop, "form", "sv")
    message = case.messages.get()
    assert message.from_address == "karin@example.se"
    assert message.from_name == "Karin Lindqvist"
    assert message.body_text.startswith("Hej! När kommer min jacka?")
    assert case.subject == "När kommer min jacka?"  # A2: derived from the question
    assert case.customer.primary_email == "karin@example.se"


def test_acknowledgement_is_queued_and_sent(
    client, shop, clock, django_capture_on_commit_callbacks
):  # A1, A2, A4
    with django_capture_on_commit_callbacks(execute=True):
        send(client, clock, shop)
    case = Case.objects.get()
    row = acknowledgements().get(case=case)
    assert row.to_address == "karin@example.se"
    assert row.from_address == "kundtjanst@nordljus.example"  # A3
    assert f"[#{case.number}]" in row.subject and "Nordljus" in row.subject
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert str(case.number) in body
    assert "senast måndag 23 november kl. 16.00" in body
    assert "När kommer min jacka?" in body  # A1: a copy of the question


def test_thanks_page_shows_case_number_and_promise(client, shop, clock):  # A4
    response = send(client, clock, shop)
    case = Case.objects.get()
    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert thanks.status_code == 200
    assert f"<strong>{case.number}</strong>" in html
    assert "senast måndag 23 november kl. 16.00" in html
    assert "karin@example.se" in html
    # A refresh shows the same page again; nothing is sent twice.
    assert client.get(response["Location"]).status_code == 200
    assert Case.objects.count() == 1


def test_thanks_page_in_english(client, shop, clock):
    response = send(
        client,
        clock,
        shop,
        query="?lang=en",
        message="Hi! When will my jacket arrive? I ordered it on Friday.",
    )
    assert "?lang=en" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "by Monday 23 November at 16:00" in html
    assert Case.objects.get().language == "en"


def test_the_case_speaks_the_language_the_customer_wrote_in(client, shop, clock):  # R7
    send(
        client,
        clock,
        shop,
        query="?lang=sv",
        message="Hej, jeg har ikke fået min jakke endnu. Hvornår kommer den?",
    )
    assert Case.objects.get().language == "da"


def test_a_text_too_short_to_tell_takes_the_pages_language(client, shop, clock):  # R7
    send(client, clock, shop, query="?lang=en", message="Jacket?")
    assert Case.objects.get().language == "en"


def test_thanks_page_cannot_be_guessed(client, shop, clock):
    response = send(client, clock, shop)
    token = re.search(r"/thanks/([^/]+)/", response["Location"]).group(1)
    assert client.get(f"/s/{shop.slug}/thanks/{token}x/").status_code == 404
    assert client.get(f"/s/{shop.slug}/thanks/10001/").status_code == 404


def test_thanks_page_keeps_its_token_private(client, shop, clock):  # C3: the link is a key
    response = send(client, clock, shop)
    for page in (client.get(response["Location"]), client.get(f"/s/{shop.slug}/thanks/forged/")):
        assert page["X-Robots-Tag"] == "noindex, nofollow"
        assert page["Referrer-Policy"] == "no-referrer"
        assert page["Cache-Control"] == "private, no-store"


def test_thanks_token_of_another_shop_is_404(client, shop, clock):
    from kundsvar.shops.tests.factories import ShopFactory

    other = ShopFactory(slug="annan")
    response = send(client, clock, shop)
    token = re.search(r"/thanks/([^/]+)/", response["Location"]).group(1)
    assert client.get(f"/s/{other.slug}/thanks/{token}/").status_code == 404


def test_double_click_sends_one_question(client, shop, clock):
    data = fill(client, clock, shop, "?lang=sv")
    first = client.post(f"/s/{shop.slug}/?lang=sv", data)
    second = client.post(f"/s/{shop.slug}/?lang=sv", data)
    assert Case.objects.count() == 1
    assert first["Location"].split("?")[0].startswith(f"/s/{shop.slug}/thanks/")
    assert client.get(second["Location"]).status_code == 200
    assert acknowledgements().count() == 1


def test_a_different_question_from_the_same_page_is_its_own_case(client, shop, clock):
    data = fill(client, clock, shop, "?lang=sv")
    client.post(f"/s/{shop.slug}/?lang=sv", data)
    client.post(f"/s/{shop.slug}/?lang=sv", {**data, "message": "Och hur gör jag en retur?"})
    assert Case.objects.count() == 2


def test_order_number_and_topic_go_with_the_question(client, shop, clock):  # C4
    send(client, clock, shop, order_number="100234", topic="return")
    body = Case.objects.get().messages.get().body_text
    question, labels = body.split("\n\n")
    assert question == "Hej! När kommer min jacka? Jag beställde den i fredags."
    order_line, topic_line = labels.splitlines()
    assert order_line.endswith(": 100234")
    assert topic_line.endswith(": Retur, byte eller reklamation") or topic_line.endswith(
        ": Return, exchange or complaint"
    )  # until the Swedish catalogue is compiled


def test_missing_fields_show_errors_and_keep_the_text(client, shop, clock):  # C2
    response = send(client, clock, shop, email="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "När kommer min jacka?" in html
    assert 'class="error"' in html
    assert not Case.objects.exists()


def test_the_visit_is_counted_as_sent(client, shop, clock):  # K3
    send(client, clock, shop)
    session = FormSession.objects.get()
    assert session.sent_at is not None
    assert session.case == Case.objects.get()


def test_matching_runs_on_the_new_case(client, shop, clock, monkeypatch):  # C4, T3
    seen = []
    monkeypatch.setattr(
        "kundsvar.commerce.matching.match_case", lambda case, **kwargs: seen.append(case.pk) or []
    )
    send(client, clock, shop)
    assert seen == [Case.objects.get().pk]


def test_a_failing_matcher_never_loses_the_question(client, shop, clock, monkeypatch):  # A6
    def broken(case, **kwargs):
        raise RuntimeError("matching is down")

    monkeypatch.setattr("kundsvar.commerce.matching.match_case", broken)
    response = send(client, clock, shop)
    assert response.status_code == 302
    assert Case.objects.count() == 1
    assert acknowledgements().count() == 1
