"""Issue #10, "HTTP inbound loses every mail over 2.5 MB": Django refused bodies over
DATA_UPLOAD_MAX_MEMORY_SIZE with 400 before the view's own limit, and relays take a 4xx
as final. The body is streamed into the raw store; up to the configured maximum every
message is accepted (rule A6)."""

import hashlib
import os
from email.message import EmailMessage

import pytest
from django.urls import reverse

from kundsvar.cases.models import Case, Message
from kundsvar.channels.email import rawstore
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
MB = 1024 * 1024


@pytest.fixture
def shop():
    return ShopFactory(slug="butik", email=SHOP_ADDRESS, inbound_secret="s3cret-token")


def with_video(megabytes: float) -> bytes:
    """A customer's film of the broken zip, about `megabytes` on the wire (base64)."""
    message = EmailMessage()
    message["From"] = "Karin Lindqvist <karin@example.se>"
    message["To"] = SHOP_ADDRESS
    message["Subject"] = "Trasig dragkedja, film bifogad"
    message["Message-ID"] = f"<film-{megabytes}@example.se>"
    message.set_content("Hej! Här är en film på dragkedjan som gick sönder.\n\nMvh Karin")
    film = os.urandom(int(megabytes * MB * 3 / 4))
    message.add_attachment(film, maintype="video", subtype="mp4", filename="dragkedja.mp4")
    return message.as_bytes()


def post(client, raw):
    return client.post(
        reverse("mail:inbound", args=["butik"]),
        data=raw,
        content_type="message/rfc822",
        HTTP_AUTHORIZATION="Bearer s3cret-token",
    )


@pytest.mark.parametrize("megabytes", [3, 10, 30])
def test_large_mail_over_http_is_accepted_and_becomes_a_case(client, shop, megabytes):  # A6
    raw = with_video(megabytes)
    assert len(raw) > megabytes * MB * 0.99
    response = post(client, raw)
    assert response.status_code == 202, response.content
    sha = hashlib.sha256(raw).hexdigest()
    assert response.json() == {"sha256": sha, "state": "processed"}
    assert rawstore.get(sha) == raw
    row = RawMessage.objects.get()
    assert row.size == len(raw) and row.state == RawState.PROCESSED
    message = row.case_message
    assert message.from_address == "karin@example.se"
    assert message.attachments.get().filename == "dragkedja.mp4"


def test_the_body_is_streamed_never_read_whole(client, shop, monkeypatch):
    from django.core.handlers.wsgi import WSGIRequest

    def no_body(self):
        raise AssertionError("request.body reads the whole message into memory")

    monkeypatch.setattr(WSGIRequest, "body", property(no_body))
    assert post(client, with_video(0.5)).status_code == 202


def test_over_the_maximum_413_and_what_came_is_kept_as_a_case(client, shop, settings):  # A6
    settings.MAIL_MAX_MESSAGE_SIZE = 1 * MB
    raw = with_video(2)
    response = post(client, raw)
    # 413 tells the relay to bounce it: the customer learns the film did not arrive...
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large" and body["max_bytes"] == MB
    assert "1 MB" in body["detail"]
    # ... and nothing is silently dropped: the first megabyte is kept and shown as a case.
    row = RawMessage.objects.get(sha256=body["kept"])
    assert row.truncated is True and row.size == MB
    assert rawstore.get(row.sha256) == raw[:MB]
    message = Message.objects.get()
    assert "too_large" in message.parse_warnings
    assert message.from_address == "karin@example.se"
    assert message.subject == "Trasig dragkedja, film bifogad"
    assert "Här är en film" in message.body_text
    # The relay trying again keeps nothing twice.
    assert post(client, raw).status_code == 413
    assert Case.objects.count() == 1 and RawMessage.objects.count() == 1


def test_whitespace_only_is_still_a_clear_error(client, shop):
    response = post(client, b"\r\n  \r\n")
    assert response.status_code == 400 and response.json()["error"] == "empty"
    assert not RawMessage.objects.exists()
