"""IMAP polling against a real Dovecot (Debian's dovecot-imapd), started per test on a
loopback port with a throwaway passwd file (see dovecot.py). Skipped only when the
dovecot binary is absent.

Line endings: IMAP is CRLF on the wire. imaplib's APPEND turns bare LF into CRLF before
sending, and Dovecot hands back exactly what it was given (it may store LF on disk and
restore CRLF). So the bytes we store are byte-for-byte the appended bytes when those
use CRLF, and their CRLF form when they use bare LF; test_the_raw_bytes_* checks both.
"""

import email.policy
import imaplib
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from kundsvar.cases.models import Case, Direction, Message
from kundsvar.channels.email import imap, rawstore
from kundsvar.channels.email.models import Mailbox, RawMessage
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import T0
from .dovecot import free_port, require_dovecot, running_dovecot

pytestmark = pytest.mark.django_db
SHOP = "kundtjanst@butik.example"

CUSTOMERS = [
    (
        "Karin Lindqvist",
        "karin.lindqvist@example.se",
        "Leveranstid jacka",
        "Hej!\n\nJag beställde en vinterjacka (order 100231) för en vecka sedan. "
        "När kommer den?\n\nMvh Karin",
    ),
    (
        "Anders Öberg",
        "anders.oberg@example.se",
        "Fel storlek på skorna",
        "Hej, skorna i order 100245 är i storlek 43 men jag beställde 42. "
        "Hur gör jag ett byte?\n\nHälsningar\nAnders",
    ),
    (
        "Maja Åkesson",
        "maja.akesson@example.se",
        "Retur av klänning",
        "Hej! Jag vill returnera klänningen från order 100250. Måste jag betala "
        "returfrakten själv?\n\n/Maja",
    ),
    (
        "Erik Sjögren",
        "erik.sjogren@example.se",
        "Kollinumret ger inga träffar",
        "Hej,\nkollinumret 00370712345678901234 ger inga träffar hos PostNord. "
        "Är paketet verkligen skickat?\n\nErik",
    ),
    (
        "Lena Håkansson",
        "lena.hakansson@example.se",
        "Faktura saknas",
        "Hej! Jag har inte fått någon faktura för order 100262. Kan ni skicka den igen?"
        "\n\nTack på förhand,\nLena",
    ),
    (
        "Johan Ekström",
        "johan.ekstrom@example.se",
        "Lampan kom fram trasig",
        "Hej, taklampan från order 100266 kom fram med en spricka i glaset. Bifogar en bild."
        "\n\nVad gör jag nu?\nJohan",
    ),
    (
        "Sofia Nyström",
        "sofia.nystrom@example.se",
        "Ändra leveransadress",
        "Hej! Kan jag ändra leveransadressen på order 100271 till Storgatan 12, "
        "582 22 Linköping?\n\nSofia",
    ),
    (
        "Oskar Lindgren",
        "oskar.lindgren@example.se",
        "Betala med presentkort",
        "Hej, går det att betala med presentkort i er webbutik? Jag hittar inget fält "
        "för koden i kassan.\n\nOskar",
    ),
]


def customer_mail(index: int) -> bytes:
    """A customer's question as their mail client sends it (CRLF, UTF-8, one with a
    photo attached), with its own Message-ID."""
    name, address, subject, body = CUSTOMERS[index % len(CUSTOMERS)]
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = f"Butiken Kundtjänst <{SHOP}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 23, 9, index, tzinfo=UTC))
    message["Message-ID"] = f"<imap-test-{index}.{address.split('@')[0]}@example.se>"
    message.set_content(body)
    if "Bifogar" in body:
        message.add_attachment(
            b"\xff\xd8\xff\xe0 not really a jpeg",
            maintype="image",
            subtype="jpeg",
            filename="lampa.jpg",
        )
    return message.as_bytes(policy=email.policy.SMTP)


@pytest.fixture(autouse=True)
def _raw_store_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def server(tmp_path):
    require_dovecot()
    with running_dovecot(tmp_path / "dovecot") as dovecot:
        yield dovecot


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP)


@pytest.fixture
def mailbox(shop, server):
    return Mailbox.objects.create(
        shop=shop,
        name="Kundtjänst",
        host=server.host,
        port=server.port,
        use_tls=False,
        username=server.user,
        password=server.password,
    )


def inbound():
    return Message.objects.filter(direction=Direction.INBOUND)


def assert_each_once(count: int) -> None:
    ids = list(inbound().values_list("message_id", flat=True))
    assert len(ids) == count and len(set(ids)) == count, ids
    assert RawMessage.objects.count() == count


def flags_by_subject(server, folder="INBOX") -> dict[str, tuple]:
    with server.client(folder) as box:
        return {m.subject: m.flags for m in box.fetch(mark_seen=False, headers_only=True)}


def test_every_message_arrives_exactly_once_across_a_server_outage(server, mailbox):  # A6
    for i in range(5):
        server.append(customer_mail(i))
    result = imap.poll(mailbox)
    assert (result.fetched, result.new, result.errors) == (5, 5, 0)
    assert Case.objects.count() == 5

    for i in range(5, 8):
        server.append(customer_mail(i))
    server.stop()
    result = imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert result.error and result.fetched == 0
    assert "ConnectionRefusedError" in mailbox.last_error
    assert mailbox.last_uid == 5  # nothing skipped while the server was away

    server.start()
    result = imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert (result.fetched, result.new, result.duplicates) == (3, 3, 0)
    assert mailbox.last_error == "" and mailbox.last_polled_at is not None
    assert_each_once(8)
    assert Case.objects.count() == 8


def test_the_promise_counts_from_when_the_mail_reached_the_mailbox(
    server, mailbox, frozen_now
):  # S1
    # A fixed day in the past: Dovecot keeps its own clock (time_machine cannot move it)
    # and stores an APPEND date in its future as "now".
    arrived = T0 - timedelta(hours=3)
    server.append(customer_mail(0), arrived=arrived)
    imap.poll(mailbox)
    case = Case.objects.get()
    assert case.received_at == arrived


def test_a_restart_in_the_middle_of_a_poll_loses_nothing_and_doubles_nothing(
    server, mailbox, monkeypatch
):  # A6
    for i in range(6):
        server.append(customer_mail(i))
    monkeypatch.setattr(imap, "BATCH", 2)
    receive = imap.pipeline.receive
    calls = []

    def receive_then_restart(raw, **kwargs):
        row = receive(raw, **kwargs)
        calls.append(row)
        if len(calls) == 3:
            server.restart()  # every connection drops while batch 2 is being stored
        return row

    monkeypatch.setattr(imap.pipeline, "receive", receive_then_restart)
    first = imap.poll(mailbox)
    assert first.error  # the connection dropped under us (IMAP4.abort / reset)
    assert first.fetched == 4  # batch 2 was already downloaded, so it is stored too
    monkeypatch.setattr(imap.pipeline, "receive", receive)

    second = imap.poll(mailbox)
    assert (second.fetched, second.new, second.error) == (2, 2, "")
    assert_each_once(6)


def test_a_crash_after_storing_refetches_one_message_and_the_hash_drops_it(
    server, mailbox, monkeypatch
):  # A6
    for i in range(3):
        server.append(customer_mail(i))
    receive = imap.pipeline.receive

    def receive_then_crash(raw, **kwargs):
        row = receive(raw, **kwargs)
        if RawMessage.objects.count() == 2:
            raise RuntimeError("worker killed before last_uid was saved")
        return row

    monkeypatch.setattr(imap.pipeline, "receive", receive_then_crash)
    with pytest.raises(RuntimeError):
        imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 1  # message 2 is stored but not counted as done
    monkeypatch.setattr(imap.pipeline, "receive", receive)

    result = imap.poll(mailbox)
    assert (result.fetched, result.new, result.duplicates) == (2, 1, 1)
    assert_each_once(3)


def test_mail_someone_already_read_is_still_fetched_and_unread_mail_stays_unread(server, mailbox):
    # Progress is by UID, never by \Seen (Mailbox docstring): an agent reading the
    # mailbox in Outlook must not hide a question from us (A6), nor we mark it read.
    server.append(customer_mail(0), flags=[r"\Seen"])
    server.append(customer_mail(1))
    server.append(customer_mail(2), flags=[r"\Seen", r"\Flagged"])
    result = imap.poll(mailbox)
    assert result.new == 3
    flags = flags_by_subject(server)
    assert r"\Seen" not in flags["Fel storlek på skorna"]
    assert {r"\Seen", r"\Flagged"} <= set(flags["Retur av klänning"])
    assert r"\Recent" in flags["Fel storlek på skorna"]  # EXAMINE: not even \Recent is used up


def test_polling_again_fetches_nothing_new(server, mailbox):
    server.append(customer_mail(0))
    server.append(customer_mail(1))
    assert imap.poll(mailbox).fetched == 2
    again = imap.poll(mailbox)
    assert (again.fetched, again.new, again.errors) == (0, 0, 0)
    assert_each_once(2)


def test_a_limit_leaves_the_rest_for_the_next_poll(server, mailbox):
    for i in range(3):
        server.append(customer_mail(i))
    first = imap.poll(mailbox, limit=2)
    assert (first.fetched, first.more) == (2, True)
    second = imap.poll(mailbox, limit=2)
    assert (second.fetched, second.more) == (1, False)
    assert_each_once(3)


def test_a_recreated_folder_with_a_new_uidvalidity_makes_no_duplicate_cases(server, mailbox):  # A6
    folder = "Kundtjänst"  # non-ASCII: sent as modified UTF-7
    mailbox.folder = folder
    mailbox.save()
    for i in range(3):
        server.append(customer_mail(i), folder=folder)
    assert imap.poll(mailbox).new == 3
    mailbox.refresh_from_db()
    old_validity = mailbox.uidvalidity

    with server.client(folder=None) as box:
        box.folder.delete(folder)
        box.folder.create(folder)
    for i in range(4):  # the same three again, and one new
        server.append(customer_mail(i), folder=folder)
    result = imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert result.uidvalidity_reset and mailbox.uidvalidity != old_validity
    assert (result.fetched, result.new, result.duplicates) == (4, 1, 3)
    assert mailbox.last_uid == 4
    assert_each_once(4)
    assert Case.objects.count() == 4


def test_processed_mail_is_moved_to_the_move_to_folder_and_stays_unread(server, mailbox):
    mailbox.move_to = "Arkiv/Behandlat"  # does not exist yet: created
    mailbox.save()
    for i in range(3):
        server.append(customer_mail(i))
    result = imap.poll(mailbox)
    assert (result.new, result.moved) == (3, 3)
    assert flags_by_subject(server) == {}
    done = "Arkiv.Behandlat"  # Dovecot's maildir hierarchy delimiter is "."
    moved = flags_by_subject(server, done)
    assert len(moved) == 3 and not any(r"\Seen" in f for f in moved.values())

    server.append(customer_mail(3))
    assert imap.poll(mailbox).moved == 1
    assert len(flags_by_subject(server, done)) == 4
    assert_each_once(4)


def test_a_failing_move_keeps_no_mail_out_and_is_retried_next_poll(
    server, mailbox, monkeypatch
):  # A6
    mailbox.move_to = "Behandlat"
    mailbox.save()
    for i in range(2):
        server.append(customer_mail(i))
    move = imap._move

    def broken_move(box, uids, folder):
        raise imaplib.IMAP4.abort("socket error: EOF")

    monkeypatch.setattr(imap, "_move", broken_move)
    first = imap.poll(mailbox)
    assert first.new == 2 and "abort" in first.error  # stored; only the move failed
    monkeypatch.setattr(imap, "_move", move)
    second = imap.poll(mailbox)
    assert (second.fetched, second.moved, second.error) == (0, 2, "")
    assert flags_by_subject(server) == {}
    assert_each_once(2)


def test_the_raw_bytes_stored_are_exactly_the_bytes_appended(server, mailbox):  # A6
    crlf = customer_mail(5)  # CRLF, base64 attachment
    eight_bit = (
        "From: =?utf-8?q?=C3=85sa_Str=C3=B6m?= <asa.strom@example.se>\r\n"
        f"To: {SHOP}\r\n"
        "Subject: =?utf-8?q?Fr=C3=A5ga_om_byte?=\r\n"
        "Message-ID: <eight-bit@example.se>\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        "X-Folded: first part\r\n\tsecond part  \r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "Hej! Kan jag byta tröjan mot en större?   \r\n\r\nÅsa\r\n"
    ).encode()
    bare_lf = customer_mail(6).replace(b"\r\n", b"\n")
    for raw in (crlf, eight_bit, bare_lf):
        server.append(raw)
    assert imap.poll(mailbox).new == 3

    stored = [
        rawstore.get(sha)
        for sha in RawMessage.objects.order_by("pk").values_list("sha256", flat=True)
    ]
    assert stored[0] == crlf
    assert stored[1] == eight_bit
    # imaplib sends bare LF as CRLF (IMAP is CRLF); what the server holds is what we keep.
    assert stored[2] == bare_lf.replace(b"\n", b"\r\n")
    with server.client() as box:
        _, data = box.client.uid("FETCH", "3", "(BODY.PEEK[])")
    assert stored[2] == data[0][1]


def test_a_refused_connection_is_recorded_and_other_mailboxes_are_still_polled(
    server, mailbox, shop
):
    down = Mailbox.objects.create(
        shop=shop,
        name="Gamla",
        host="127.0.0.1",
        port=free_port(),
        use_tls=False,
        username="gamla",
        password="x",
    )
    Mailbox.objects.create(
        shop=shop,
        name="Av",
        host="127.0.0.1",
        port=1,
        use_tls=False,
        username="av",
        password="x",
        enabled=False,
    )
    server.append(customer_mail(0))
    results = {r.mailbox_id: r for r in imap.poll_all()}
    assert set(results) == {mailbox.pk, down.pk}  # the disabled one is left alone
    assert results[mailbox.pk].new == 1
    down.refresh_from_db()
    assert "ConnectionRefusedError" in results[down.pk].error == down.last_error
    assert down.last_polled_at is None


def test_a_server_that_never_answers_times_out_and_is_recorded(mailbox, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True)
    thread.start()
    monkeypatch.setattr(imap, "TIMEOUT_SECONDS", 0.3)
    mailbox.port = silent.getsockname()[1]
    try:
        result = imap.poll(mailbox)
    finally:
        thread.join(timeout=2)
        for connection, _ in accepted:
            connection.close()
        silent.close()
    mailbox.refresh_from_db()
    assert "timed out" in result.error and mailbox.last_error == result.error


def test_a_wrong_password_is_recorded_not_raised(server, mailbox):
    mailbox.password = "fel-lösenord"
    result = imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in result.error and mailbox.last_error == result.error


def test_a_second_poller_leaves_a_mailbox_that_is_being_polled_alone(server, mailbox):
    # Two workers processing the same new message at once could open two cases.
    server.append(customer_mail(0))
    claimed, release = threading.Event(), threading.Event()

    def other_worker():  # its own thread, so its own database session
        try:
            with imap._claim(mailbox) as ok:
                assert ok
                claimed.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert claimed.wait(timeout=10)
        assert imap.poll(mailbox).skipped
    finally:
        release.set()
        worker.join(timeout=10)
    assert RawMessage.objects.count() == 0
    assert imap.poll(mailbox).new == 1


def test_fetchmail_prints_a_line_per_mailbox_and_fails_when_one_is_down(server, mailbox, shop):
    server.append(customer_mail(0))
    out = StringIO()
    call_command("fetchmail", stdout=out)
    assert out.getvalue().splitlines() == [
        f"#{mailbox.pk} {mailbox}: 1 fetched, 1 new, 0 duplicates, 0 errors"
    ]

    down = Mailbox.objects.create(
        shop=shop,
        name="Gamla",
        host="127.0.0.1",
        port=free_port(),
        use_tls=False,
        username="gamla",
        password="x",
        enabled=False,
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 mailboxes"):
        call_command("fetchmail", "--mailbox", str(down.pk), stdout=out)
    assert out.getvalue().startswith(f"#{down.pk} gamla@127.0.0.1/INBOX: 0 fetched")
