"""Issue #10, "a long attachment file name makes the mail unprocessable": attachments
are stored under their content hash, with the customer's file name as data; one part
that cannot be stored never fails the message; and a message that still cannot be
processed becomes a case with its sender, subject and text (rule A6)."""

import hashlib
from email.message import EmailMessage

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from kundsvar.cases.models import Attachment, Case, Message
from kundsvar.channels.email import channel, pipeline, rawstore
from kundsvar.channels.email.models import RawState
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .conftest import T0
from .mails import SHOP_ADDRESS, mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

# 88 characters with inner dots, the way an accounting system names a receipt.
RECEIPT = "Kvitto nr. 123456 från Nätbutiken AB, köp 2026.11.20 kl. 14.32 – retur av vara nr. 7.pdf"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


def with_files(*files: tuple[str, bytes, str]) -> bytes:
    message = EmailMessage()
    message["From"] = "Karin Lindqvist <karin@example.se>"
    message["To"] = SHOP_ADDRESS
    message["Subject"] = "Retur av jackan"
    message["Message-ID"] = "<retur-1@example.se>"
    message.set_content("Hej! Kvittot är bifogat. Jag vill returnera jackan.\n\nMvh Karin")
    for filename, payload, ctype in files:
        maintype, subtype = ctype.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def receive(shop, raw):
    return pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)


def test_a_long_file_name_with_inner_dots_is_kept_as_data(shop):  # A6
    assert len(RECEIPT) >= 88
    row = receive(shop, with_files((RECEIPT, PDF, "application/pdf")))
    assert row.state == RawState.PROCESSED
    message = row.case_message
    assert message.from_address == "karin@example.se"
    assert "unprocessable" not in message.parse_warnings
    attachment = message.attachments.get()
    assert attachment.filename == RECEIPT
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.file.name.endswith(attachment.sha256)  # short, safe, no customer text
    assert attachment.file.read() == PDF


def test_the_agent_downloads_it_under_its_own_name(client, shop):
    row = receive(shop, with_files((RECEIPT + '"', PDF, "application/pdf")))
    attachment = row.case_message.attachments.get()
    client.force_login(AgentFactory(shops=[shop]))
    case = row.case_message.case
    response = client.get(reverse("cases:attachment", args=[case.number, attachment.pk]))
    assert response.status_code == 200 and response.getvalue() == PDF
    # RFC 6266: non-ASCII and the quote in the name cannot break the header.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Kvitto%20nr.%20123456%20fr%C3%A5n%20N%C3%A4tbutiken%20AB"
        "%2C%20k%C3%B6p%202026.11.20%20kl.%2014.32%20%E2%80%93%20retur%20av%20vara%20nr.%207.pdf%22"
    )


def test_a_file_name_longer_than_the_column_is_cut_keeping_its_extension(shop):  # A6
    name = "Bild " + "väldigt.lång." * 30 + "jpg"
    row = receive(shop, with_files((name, PHOTO, "image/jpeg")))
    attachment = row.case_message.attachments.get()
    assert len(attachment.filename) <= 255 and attachment.filename.endswith(".jpg")
    assert attachment.filename.startswith("Bild väldigt.lång.")


def test_the_same_file_twice_is_stored_once(shop):
    receive(shop, with_files(("a.pdf", PDF, "application/pdf"), ("b.pdf", PDF, "application/pdf")))
    names = {a.file.name for a in Attachment.objects.all()}
    assert [a.filename for a in Attachment.objects.order_by("pk")] == ["a.pdf", "b.pdf"]
    assert len(names) == 1


def test_a_part_that_cannot_be_stored_does_not_fail_the_message(shop, monkeypatch):  # A6
    real_save = default_storage.save

    def disk_says_no(name, content, **kwargs):
        if content.read() == PDF:
            raise OSError(28, "No space left on device")
        content.seek(0)
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", disk_says_no)
    raw = with_files((RECEIPT, PDF, "application/pdf"), ("jacka.jpg", PHOTO, "image/jpeg"))
    row = receive(shop, raw)
    assert row.state == RawState.PROCESSED
    message = row.case_message
    assert "jag vill returnera jackan" in message.body_text.lower()
    assert [a.filename for a in message.attachments.all()] == ["jacka.jpg"]
    assert "attachment_failed" in message.parse_warnings  # shown: the raw has the file
    assert rawstore.get(row.sha256) == raw


def test_a_message_that_cannot_be_processed_keeps_sender_subject_and_text(shop, monkeypatch):  # A6
    def broken(*args, **kwargs):
        raise RuntimeError("threading exploded")

    monkeypatch.setattr(channel, "find_case", broken)
    raw = mail(body="Hej! Min jacka har inte kommit. Personnummer 811218-9876.\n\nMvh Karin")
    row = receive(shop, raw)
    for _ in range(2):
        pipeline.process(row)
        row.refresh_from_db()
    assert row.state == RawState.PROCESSED
    message = Message.objects.get()
    assert "unprocessable" in message.parse_warnings
    assert message.from_address == "karin@example.se" and message.from_name == "Karin Lindqvist"
    assert message.subject == "Leveranstid jacka" == Case.objects.get().subject
    assert message.body_text.startswith("Hej! Min jacka har inte kommit.")
    assert "Content-Type" not in message.body_text and "811218-9876" not in message.body_text
