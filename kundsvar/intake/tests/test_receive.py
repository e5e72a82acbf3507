"""intake.receive, the one way a customer's message becomes a case message, whichever
channel it came by: masking (C3), threading, orders (C4), the acknowledgement (A1–A5),
and nothing lost when a step after storing fails (A6)."""

from datetime import timedelta

import pytest
from django.db import connection

from kundsvar.cases.attachments import File
from kundsvar.cases.models import Attachment, Case, Message
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.commerce.models import CaseOrder, MatchState
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.core.privacy import MASK
from kundsvar.customers.models import Customer
from kundsvar.intake import services as intake

from .conftest import T0, inbound

pytestmark = pytest.mark.django_db
NUMBER = "811218-9876"  # a valid personnummer (Luhn)


def acks(case) -> int:
    return OutboundEmail.objects.filter(case=case, kind=OutboundKind.ACK).count()


def test_a_message_opens_a_case_with_its_first_message(shop):
    received = intake.receive(shop, "form", inbound())
    assert received.opened
    assert received.case.channel == "form"
    assert received.message.case == received.case
    assert list(received.case.messages.all()) == [received.message]


def test_personal_numbers_are_masked_before_anything_is_stored(shop):  # C3
    stored_texts = []  # every value of every statement sent to the database

    def watched(execute, sql, params, many, context):
        stored_texts.append(" ".join(str(v) for v in (params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watched):
        received = intake.receive(
            shop,
            "api",
            inbound(
                from_name=f"Karin {NUMBER}",
                subject=f"Mitt personnummer {NUMBER}",
                body_text=f"Hej, jag heter Karin, {NUMBER}.",
                body_html=f"<p>{NUMBER}</p>",
                new_text=f"Hej {NUMBER}",
            ),
        )
    message = Message.objects.get(pk=received.message.pk)
    assert stored_texts and all(NUMBER not in text for text in stored_texts)
    for text in (message.from_name, message.subject, message.body_text, message.body_html):
        assert NUMBER not in text and MASK in text
    assert NUMBER not in message.new_text
    assert NUMBER not in Case.objects.get().subject
    assert NUMBER not in Customer.objects.get().name
    assert received.masked and "personal_number_masked" in message.parse_warnings


def test_a_text_without_a_personal_number_is_not_marked(shop):  # C3
    received = intake.receive(shop, "api", inbound(body_text="Order 100231, mobil 0701234567"))
    assert not received.masked
    assert "personal_number_masked" not in received.message.parse_warnings


def test_an_email_follow_up_threads_into_the_open_case(shop):  # R5, through the adapter
    first = intake.receive(shop, "email", inbound(message_id="<a@example.se>"))
    again = intake.receive(
        shop,
        "email",
        inbound(
            subject="Re: Leveranstid jacka",
            body_text="Har ni hittat den?",
            received_at=T0 + timedelta(minutes=5),
            message_id="<b@example.se>",
            in_reply_to="<a@example.se>",
            references="<a@example.se>",
        ),
    )
    assert not again.opened
    assert again.case == first.case
    assert Case.objects.count() == 1 and first.case.messages.count() == 2


def test_a_form_or_api_message_always_opens_a_new_case(shop):
    first = intake.receive(shop, "form", inbound())
    second = intake.receive(shop, "form", inbound(in_reply_to="<x@y>"))
    third = intake.receive(shop, "email", inbound(), new_case=True)
    assert len({first.case.pk, second.case.pk, third.case.pk}) == 3


def test_a_given_case_takes_the_message(shop):  # the portal's follow-up, a rating's comment
    first = intake.receive(shop, "form", inbound())
    again = intake.receive(
        shop,
        "form",
        inbound(from_address="", body_text="Från portalen", received_at=T0 + timedelta(hours=1)),
        case=first.case,
        acknowledge=False,
    )
    assert again.case == first.case and not again.opened
    assert acks(first.case) == 1


def test_an_order_hint_links_the_order_for_certain(shop):  # C4
    order = OrderFactory(shop=shop, number="100234", email="someone-else@example.se")
    received = intake.receive(shop, "form", inbound(), order_hint=order)
    link = CaseOrder.objects.get(case=received.case)
    assert link.order == order and link.state == MatchState.CONFIRMED


def test_orders_are_matched_from_the_text(shop):  # C4
    order = OrderFactory(shop=shop, number="100231", email="karin@example.se")
    received = intake.receive(shop, "api", inbound(body_text="Var är order 100231?"))
    assert CaseOrder.objects.get(case=received.case).order == order


def test_the_acknowledgement_is_queued_once(shop):  # A1, A2
    received = intake.receive(shop, "form", inbound())
    assert received.acknowledged and acks(received.case) == 1
    more = intake.receive(
        shop,
        "email",
        inbound(body_text="Och en sak till", received_at=T0 + timedelta(minutes=2)),
        case=received.case,
    )
    assert not more.acknowledged  # more words on an unanswered question: the promise stands
    assert acks(received.case) == 1


@pytest.mark.parametrize("sender", ["noreply@example.se", "mailer-daemon@example.se", ""])
def test_no_acknowledgement_to_a_machine_or_nobody(shop, sender):  # A3
    received = intake.receive(shop, "form", inbound(from_address=sender))
    assert not received.acknowledged and acks(received.case) == 0


def test_an_automatic_message_is_filed_and_never_acknowledged(shop):  # A3
    received = intake.receive(shop, "email", inbound(), automatic=True)
    assert Message.objects.filter(pk=received.message.pk).exists()
    assert acks(received.case) == 0


def test_a_channel_answered_otherwise_gets_no_email(shop):  # a phone note
    received = intake.receive(shop, "phone", inbound())
    assert received.opened and acks(received.case) == 0


def test_the_shop_itself_gets_no_acknowledgement(shop):  # A3, no loop
    received = intake.receive(shop, "email", inbound(from_address=shop.email))
    assert acks(received.case) == 0


def test_a_failing_matcher_never_loses_the_message(shop, monkeypatch):  # A6
    def broken(case, **kwargs):
        raise RuntimeError("order database unreachable")

    monkeypatch.setattr("kundsvar.commerce.matching.match_case", broken)
    monkeypatch.setattr("kundsvar.commerce.matching.link_confirmed", broken)
    order = OrderFactory(shop=shop, number="100234")
    received = intake.receive(shop, "form", inbound(), order_hint=order)
    assert Message.objects.filter(pk=received.message.pk).exists()
    assert acks(received.case) == 1  # and the customer still hears from us


def test_a_failing_acknowledgement_never_loses_the_message(shop, monkeypatch):  # A6
    def broken(case, message):
        raise RuntimeError("template missing")

    monkeypatch.setattr("kundsvar.channels.email.emails.written_acknowledgement", broken)
    received = intake.receive(shop, "form", inbound())
    assert not received.acknowledged
    assert Message.objects.filter(pk=received.message.pk).exists()
    assert Case.objects.filter(pk=received.case.pk).exists()


def test_attachments_are_kept(shop):  # A6
    photo = File("jacka.jpg", "image/jpeg", b"\xff\xd8 a photo")
    received = intake.receive(shop, "form", inbound(), attachments=[photo])
    attachment = Attachment.objects.get(message=received.message)
    assert attachment.filename == "jacka.jpg" and attachment.size == len(photo.payload)
    assert "attachment_failed" not in received.message.parse_warnings


def test_a_file_that_cannot_be_kept_never_loses_the_message(shop, monkeypatch):  # A6
    def disk_says_no(payload):
        raise OSError("disk full")

    monkeypatch.setattr("kundsvar.cases.files.store", disk_says_no)
    received = intake.receive(
        shop, "form", inbound(), attachments=[File("kvitto.pdf", "application/pdf", b"%PDF")]
    )
    message = Message.objects.get(pk=received.message.pk)
    assert not message.attachments.exists()
    assert "attachment_failed" in message.parse_warnings
