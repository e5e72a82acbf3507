import mailbox
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from kundsvar.cases.models import Case, Message
from kundsvar.channels.email import rawstore
from kundsvar.channels.email.models import OutboundEmail, RawMessage
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS, mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="butik", email=SHOP_ADDRESS, inbound_secret="s3cret-token")


def post(client, raw, token="s3cret-token", slug="butik"):
    return client.post(
        reverse("mail:inbound", args=[slug]),
        data=raw,
        content_type="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_relay_posts_raw_mime_and_a_case_opens(client, shop):  # A6
    raw = mail()
    response = post(client, raw)
    assert response.status_code == 202
    assert response.json()["state"] == "processed"
    assert rawstore.get(response.json()["sha256"]) == raw
    assert Case.objects.get().shop == shop


def test_a_wrong_secret_is_refused_and_nothing_is_stored(client, shop):
    response = post(client, mail(), token="guess")
    assert response.status_code == 401
    assert not RawMessage.objects.exists() and not Case.objects.exists()


def test_a_shop_without_a_secret_accepts_nothing(client):
    ShopFactory(slug="closed", inbound_secret="")
    assert post(client, mail(), token="", slug="closed").status_code == 401


def test_an_empty_body_is_a_clear_error(client, shop):
    response = post(client, b"")
    assert response.status_code == 400 and response.json()["error"] == "empty"


def test_import_eml_reads_files_mbox_and_maildir_without_acknowledging(tmp_path, shop):
    tmp_path = tmp_path / "mail"  # beside var/, the raw store (its notes are not mail)
    tmp_path.mkdir()
    (tmp_path / "one.eml").write_bytes(mail(message_id="<e1@example.se>", subject="Ett"))
    box = mailbox.mbox(tmp_path / "archive.mbox")
    box.add(mail(message_id="<e2@example.se>", subject="Två"))
    box.add(mail(message_id="<e3@example.se>", subject="Tre"))
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(mail(message_id="<e4@example.se>", subject="Fyra"))
    call_command(
        "import-eml",
        str(tmp_path / "one.eml"),
        str(tmp_path / "archive.mbox"),
        str(tmp_path / "Maildir"),
        "--shop",
        "butik",
        verbosity=0,
    )
    assert sorted(Case.objects.values_list("subject", flat=True)) == ["Ett", "Fyra", "Tre", "Två"]
    assert not OutboundEmail.objects.exists()
    # Each message keeps the date it was written.
    assert Message.objects.filter(created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC)).count() == 4
    call_command("import-eml", str(tmp_path), "--shop", "butik", verbosity=0)  # again: no dupes
    assert Message.objects.count() == 4
