"""An agent sends a file in a chat: the customer's rules for files (size, type, the
first bytes match the name), kept as an attachment of the agent's reply on the case,
carried to the customer's page by the event stream with a signed link that opens that
chat's file only and expires with the chat's own link. Agents fetch it through the case
(their shops only)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kundsvar.cases.models import Direction

from ..models import Chat
from ..views import TOKEN_DAYS, sign
from .factories import shop_with_agents, start

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% returetikett\n"


def _send(client, chat, **data):
    return client.post(f"/cases/chat/{chat.case.number}/send/", data)


def _customer_files(client, chat):
    events = client.get(f"/chat/{sign(chat)}/poll/", {"after": 0}).json()["events"]
    return [f for e in events if e.get("direction") == "out" for f in e["files"]]


def test_the_agents_file_reaches_the_customer_as_a_signed_link(client, now):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop)
    client.force_login(alice)
    label = SimpleUploadedFile("../../Returetikett å 42.pdf", PDF)
    response = _send(client, chat, text="Här är etiketten", file=label)
    assert response.status_code == 201
    reply = chat.case.messages.get(direction=Direction.OUTBOUND)
    attachment = reply.attachments.get()
    # Kept on the case message, its name cleaned of any path.
    assert (attachment.filename, attachment.content_type) == (
        "Returetikett å 42.pdf",
        "application/pdf",
    )
    assert reply.body_text == "Här är etiketten" and reply.author == alice
    # The customer's page gets a download link, and the link serves the file.
    client.logout()
    (linked,) = _customer_files(client, chat)
    assert linked["name"] == "Returetikett å 42.pdf"
    download = client.get(linked["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "utf-8''Returetikett%20%C3%A5%2042.pdf" in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "sandbox"
    assert download["Cache-Control"] == "private, no-store"


def test_a_file_alone_is_a_line_named_after_it(client, now):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop)
    client.force_login(alice)
    photo = SimpleUploadedFile("kvitto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert _send(client, chat, text="", file=photo).status_code == 201
    reply = chat.case.messages.get(direction=Direction.OUTBOUND)
    assert reply.body_text == "kvitto.png"
    assert Chat.objects.get().agent == alice  # sending took the waiting chat


def test_a_file_that_is_too_big_or_not_what_it_says_is_refused(client, now):
    shop, (alice,) = shop_with_agents(1)
    chat = start(shop)
    client.force_login(alice)
    program = SimpleUploadedFile("faktura.pdf", b"MZ\x90\x00 a program")
    response = _send(client, chat, text="Se bifogat", file=program)
    assert response.status_code == 400 and "verkar inte vara" in response.json()["error"]
    script = SimpleUploadedFile("rabatt.html", b"<script>alert(1)</script>")
    assert _send(client, chat, text="x", file=script).status_code == 400
    huge = SimpleUploadedFile("stor.pdf", PDF + b"\0" * (10 * 1024 * 1024))
    response = _send(client, chat, text="x", file=huge)
    assert response.status_code == 400 and "10 MB" in response.json()["error"]
    assert not chat.case.messages.filter(direction=Direction.OUTBOUND).exists()


def test_another_shops_agent_cannot_send_or_fetch_the_file(client, now):
    shop, (alice,) = shop_with_agents(1)
    _other, (stranger,) = shop_with_agents(1)
    chat = start(shop)
    client.force_login(alice)
    _send(client, chat, text="Etiketten", file=SimpleUploadedFile("etikett.pdf", PDF))
    attachment = chat.case.messages.get(direction=Direction.OUTBOUND).attachments.get()
    agents_url = reverse("cases:attachment", args=[chat.case.number, attachment.pk])
    assert client.get(agents_url).status_code == 200
    client.force_login(stranger)
    assert client.get(agents_url).status_code == 404
    label = SimpleUploadedFile("etikett.pdf", PDF)
    assert _send(client, chat, text="x", file=label).status_code == 404


def test_the_customers_link_opens_only_its_own_chats_file_and_expires(client, now, time_machine):
    shop, (alice,) = shop_with_agents(1)
    chat, other = start(shop), start(shop)
    client.force_login(alice)
    _send(client, chat, text="Etiketten", file=SimpleUploadedFile("etikett.pdf", PDF))
    client.logout()
    (linked,) = _customer_files(client, chat)
    assert client.get(linked["url"]).status_code == 200
    # A link made for another chat does not open this chat's file.
    from kundsvar.core import links

    attachment = chat.case.messages.get(direction=Direction.OUTBOUND).attachments.get()
    forged = links.sign("chatfile", {"c": other.pk, "a": attachment.pk})
    assert client.get(reverse("chat:file", args=[forged])).status_code == 404
    # The chat's own token is no file link, and a tampered link opens nothing.
    assert client.get(reverse("chat:file", args=[sign(chat)])).status_code == 404
    url = linked["url"]  # its last two characters changed, whatever they were
    assert client.get(url[:-3] + ("AA/" if not url.endswith("AA/") else "BB/")).status_code == 404
    # After the chat's link has expired, so has the file's.
    time_machine.shift(timedelta(days=TOKEN_DAYS, minutes=1))
    assert client.get(linked["url"]).status_code == 404


def test_an_internal_note_is_never_a_customers_file(client, now):
    from kundsvar.cases.models import Attachment, Message
    from kundsvar.core import links

    shop, (alice,) = shop_with_agents(1)
    chat = start(shop)
    note = Message.objects.create(
        case=chat.case, direction=Direction.NOTE, body_text="intern", created_at=now
    )
    hidden = Attachment.objects.create(
        message=note, filename="intern.pdf", content_type="application/pdf", size=1
    )
    token = links.sign("chatfile", {"c": chat.pk, "a": hidden.pk})
    assert client.get(reverse("chat:file", args=[token])).status_code == 404
