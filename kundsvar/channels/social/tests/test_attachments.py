"""Files the customer sends become attachments: Messenger and Instagram give a URL in the
webhook, WhatsApp a media id to ask the Cloud API for. A file that cannot be fetched
never costs the message: the text stays, and the missing file is named on it (A6)."""

import pytest

from kundsvar.cases.models import Attachment, Message

from . import payloads

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"kundsvar-test-image" * 10


def test_a_whatsapp_image_is_fetched_by_media_id(deliver, whatsapp, graph, now):
    graph.answer(
        "GET",
        "/1037543291543636",
        200,
        {
            "url": f"{graph.url}/whatsapp_business/attachments/?mid=1037543291543636",
            "mime_type": "image/jpeg",
            "sha256": "x",
            "file_size": len(JPEG),
            "id": "1037543291543636",
            "messaging_product": "whatsapp",
        },
    )
    graph.answer("GET", "/whatsapp_business/attachments/", 200, JPEG, content_type="image/jpeg")
    deliver(
        whatsapp,
        payloads.whatsapp(
            payloads.wa_image("wamid.IMG", "1037543291543636", now, caption="Så här ser den ut")
        ),
    )
    message = Message.objects.get(direction="in")
    assert message.body_text == "Så här ser den ut"
    attachment = message.attachments.get()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    assert attachment.file.read() == JPEG
    fetches = [r for r in graph.requests if r.method == "GET"]
    assert all(r.headers["Authorization"] == "Bearer token-whatsapp" for r in fetches)


def test_a_messenger_file_is_fetched_from_its_url(deliver, messenger, graph, now):
    graph.answer("GET", "/cdn/kvitto.pdf", 200, b"%PDF-1.4 kvitto", content_type="application/pdf")
    event = payloads.attachment_event("m_FILE", "file", f"{graph.url}/cdn/kvitto.pdf?sig=abc", now)
    deliver(messenger, payloads.messenger(event, at=now))
    attachment = Attachment.objects.get()
    assert (
        attachment.content_type == "application/pdf"
        and attachment.file.read() == b"%PDF-1.4 kvitto"
    )


def test_a_failing_media_fetch_keeps_the_text_and_names_the_missing_file(
    deliver, whatsapp, graph, now
):  # A6
    graph.fail(
        "GET",
        "/55555",
        400,
        "Unsupported get request. Object with ID '55555' does not exist",
        code=100,
    )
    deliver(
        whatsapp,
        payloads.whatsapp(
            payloads.wa_image("wamid.IMG2", "55555", now, caption="Trasig dragkedja, se bild")
        ),
    )
    message = Message.objects.get(direction="in")
    assert message.body_text.startswith("Trasig dragkedja, se bild")
    assert "kunde inte hämtas" in message.body_text and "does not exist" in message.body_text
    assert "attachment_failed" in message.parse_warnings
    assert not Attachment.objects.exists()
    assert message.case.due_at is not None  # the question is owed an answer all the same


def test_a_missing_file_is_fetched_again_later_and_added_to_its_message(
    deliver, whatsapp, graph, now, time_machine
):  # A6
    from datetime import timedelta

    from kundsvar.channels.social import media

    graph.fail(
        "GET",
        "/77777",
        500,
        "An unexpected error has occurred. Please retry your request later.",
        code=2,
    )
    deliver(
        whatsapp,
        payloads.whatsapp(payloads.wa_image("wamid.IMG3", "77777", now, caption="Se bild")),
    )
    message = Message.objects.get(direction="in")
    assert not message.attachments.exists()
    assert media.refetch_due() == 0  # not due yet
    time_machine.shift(timedelta(minutes=6))
    assert media.refetch_due() == 0  # still failing: tried again later
    graph.answers.clear()
    graph.answer(
        "GET",
        "/77777",
        200,
        {"url": f"{graph.url}/files/77777", "mime_type": "image/jpeg", "id": "77777"},
    )
    graph.answer("GET", "/files/77777", 200, JPEG, content_type="image/jpeg")
    time_machine.shift(timedelta(minutes=11))
    assert media.refetch_due() == 1
    assert message.attachments.get().file.read() == JPEG
    note = message.case.messages.get(direction="note")
    assert "image-1.jpg" in note.body_text
    time_machine.shift(timedelta(hours=3))
    assert media.refetch_due() == 0  # nothing left to fetch
