"""An attachment on the form is stored like an email attachment (rule C2)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kundsvar.cases.models import Attachment, Case
from kundsvar.channels.form import forms

from .conftest import fill

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_photo_is_stored_on_the_message(client, shop, clock):
    data = fill(client, clock, shop)
    data["attachment"] = SimpleUploadedFile("trasig jacka.png", PNG, content_type="image/png")
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.message == Case.objects.get().messages.get()
    assert attachment.filename == "trasig jacka.png"
    assert attachment.content_type == "image/png"
    assert attachment.size == len(PNG)
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.inline is False
    with attachment.file.open("rb") as stored:
        assert stored.read() == PNG


def test_program_is_refused_with_the_text_kept(client, shop, clock):
    data = fill(client, clock, shop)
    data["attachment"] = SimpleUploadedFile("faktura.exe", b"MZ\x90\x00", content_type="image/png")
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 400
    assert "När kommer min jacka?" in response.content.decode()
    assert not Case.objects.exists()


def test_renamed_file_is_refused(client, shop, clock):
    data = fill(client, clock, shop)
    data["attachment"] = SimpleUploadedFile("bild.jpg", b"MZ\x90\x00" * 10)
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 400


def test_too_large_is_refused(client, shop, clock, monkeypatch):
    monkeypatch.setattr(forms, "MAX_ATTACHMENT_BYTES", 10)
    data = fill(client, clock, shop)
    data["attachment"] = SimpleUploadedFile("kvitto.pdf", b"%PDF-1.4 " + b"x" * 100)
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()


def test_a_photo_with_a_long_name_is_stored_under_its_hash(client, shop, clock):  # A6
    name = "Skärmavbild 2026-11-20 kl. 14.32.05 – trasig dragkedja på jackan, sedd framifrån.png"
    data = fill(client, clock, shop)
    data["attachment"] = SimpleUploadedFile(name, PNG, content_type="image/png")
    assert client.post(f"/s/{shop.slug}/?lang=en", data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.filename == name
    assert attachment.file.name.endswith(attachment.sha256)
