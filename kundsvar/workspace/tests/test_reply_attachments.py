"""Files attached in the composer (issue 16): they go with the email answer, are kept on
the answer like a customer's files, and are refused when too big, too many or on an
answer that is not an email (nothing is sent then)."""

import email
from datetime import timedelta
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from kundsvar.cases import services
from kundsvar.cases.models import Attachment, Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import compose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
PDF = b"%PDF-1.4 returetikett"


@pytest.fixture
def setup(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop = ShopFactory(name="Nordljus", email="hej@nordljus.se")
    agent = AgentFactory(shops=[shop])
    case = open_email_case(shop, timezone.now() - timedelta(hours=1), text="Hur returnerar jag?")
    client.force_login(agent)
    return client, case


def _post(client, case, files, **extra):
    return client.post(
        reverse("cases:reply", args=[case.number]),
        {
            "body": "Här är returetiketten.",
            "then": "answered",
            "last_message": services.last_message_id(case),
            "attachments": files,
            **extra,
        },
    )


def test_the_answer_carries_the_attached_files(setup):
    client, case = setup
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="attachments"' in page
    label = SimpleUploadedFile("retur/etikett.pdf", PDF, content_type="application/pdf")
    photo = SimpleUploadedFile("karta.png", b"\x89PNG..", content_type="image/png")
    assert _post(client, case, [label, photo]).status_code == 302
    answer = case.messages.get(direction=Direction.OUTBOUND)
    kept = Attachment.objects.filter(message=answer).order_by("filename")
    assert [(a.filename, a.content_type, a.size) for a in kept] == [
        ("etikett.pdf", "application/pdf", len(PDF)),
        ("karta.png", "image/png", 6),
    ]
    row = OutboundEmail.objects.get(case=case, kind="reply")
    parsed = email.message_from_bytes(bytes(row.mime), policy=policy.default)
    assert "Här är returetiketten." in parsed.get_body(("plain",)).get_content()
    attached = {a.get_filename(): a.get_content() for a in parsed.iter_attachments()}
    assert attached == {"etikett.pdf": PDF, "karta.png": b"\x89PNG.."}
    shown = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert reverse("cases:attachment", args=[case.number, kept[0].pk]) in shown


def test_too_big_or_too_many_files_send_nothing(setup, monkeypatch):
    client, case = setup
    monkeypatch.setattr(compose, "MAX_FILE_BYTES", 10)
    big = SimpleUploadedFile("stor.pdf", PDF, content_type="application/pdf")
    response = _post(client, case, [big])
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    monkeypatch.setattr(compose, "MAX_FILES", 1)
    two = [SimpleUploadedFile(f"{n}.txt", b"x", content_type="text/plain") for n in "ab"]
    assert _post(client, case, two).status_code == 400
    assert not case.messages.filter(direction=Direction.OUTBOUND).exists()
    assert not OutboundEmail.objects.filter(case=case).exists()


def test_only_an_email_answer_has_attachments(setup):
    client, case = setup
    note = SimpleUploadedFile("a.txt", b"x", content_type="text/plain")
    with translation.override("en"), pytest.raises(ValidationError, match="Only an email"):
        compose.uploads([note], by_email=False)
    assert compose.uploads([], by_email=False) == []
