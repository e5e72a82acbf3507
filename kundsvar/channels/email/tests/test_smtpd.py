"""Our SMTP/LMTP receiver, spoken to with smtplib over a real loopback socket.

The server runs its own thread and stores mail through the ORM from worker threads, so
these tests use `django_db(transaction=True)`: with pytest-django's default (each test
inside a transaction that is rolled back) the server's threads could not see the test's
shop, and what they write would not be visible to the test.
"""

import hashlib
import smtplib
import socket
import threading
import time

import pytest
from django.core.management import call_command

from kundsvar.cases.models import Case, Message
from kundsvar.channels.email import pipeline, rawstore, smtpd
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.channels.email.smtpd import KundsvarController, KundsvarHandler
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOP = "kundtjanst@butik.example"
CUSTOMER = "karin.lindqvist@example.se"


def swedish_mail(
    *,
    message_id="<fraga-1@example.se>",
    to=SHOP,
    subject="Leveranstid jacka",
    body="Hej!\r\n\r\nJag beställde en jacka i fredags (order 100231). När kommer "
    "den?\r\n.En rad som börjar med punkt.\r\n\r\nMed vänlig hälsning\r\n"
    "Karin Lindqvist\r\n",
    extra_headers: str = "",
) -> bytes:
    """What a mail client sends: CRLF lines, 8-bit UTF-8 body, a line starting with a
    dot (SMTP dot-stuffing must be undone exactly)."""
    head = (
        f"{extra_headers}From: Karin Lindqvist <{CUSTOMER}>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode() + body.encode("utf-8")


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"  # raw mail goes to var/raw


def _running(lmtp=False, **kwargs):
    handler = KundsvarHandler()
    controller = KundsvarController(handler, "127.0.0.1", 0, lmtp=lmtp, **kwargs)
    controller.start()
    return handler, controller


@pytest.fixture
def server(transactional_db):
    handler, controller = _running()
    yield controller
    controller.stop()
    handler.close()


@pytest.fixture
def lmtp_server(transactional_db):
    handler, controller = _running(lmtp=True)
    yield controller
    controller.stop()
    handler.close()


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", email=SHOP)


def send(port, raw, to=(SHOP,), sender=CUSTOMER):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        return client.sendmail(sender, list(to), raw, mail_options=["BODY=8BITMIME"])


def raw_files(settings) -> list:
    root = rawstore.root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_customer_question_is_stored_byte_exact_then_accepted(server, shop):  # A6
    raw = swedish_mail()
    refused = send(server.port, raw)  # returns only after the final 250
    assert refused == {}
    # 250 came after storage: the row and the bytes are there the moment sendmail returns.
    sha = hashlib.sha256(raw).hexdigest()
    row = RawMessage.objects.get(sha256=sha)
    assert rawstore.get(sha) == raw  # A6: byte-exact, dot-stuffing undone
    assert row.source == "smtp"
    assert row.shop == shop
    assert row.envelope_to == [SHOP]
    assert row.state == RawState.PROCESSED
    case = Case.objects.get()
    assert case.shop == shop
    message = case.messages.get()
    assert message.from_address == CUSTOMER
    assert message.raw_sha256 == sha
    assert "När kommer den?" in message.body_text


def test_an_unknown_recipient_is_refused_and_nothing_is_stored(server, shop, settings):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(server.port, swedish_mail(to="info@annan.example"), to=["info@annan.example"])
    code, text = refused.value.recipients["info@annan.example"]
    assert code == 550
    assert b"5.1.1" in text and b"No such mailbox here" in text
    assert not RawMessage.objects.exists()
    assert not Case.objects.exists()
    assert raw_files(settings) == []


def test_we_are_no_open_relay_but_our_recipients_still_get_the_mail(server, shop):  # A6
    raw = swedish_mail()
    refused = send(server.port, raw, to=[SHOP, "someone@elsewhere.example"])
    assert set(refused) == {"someone@elsewhere.example"}
    assert refused["someone@elsewhere.example"][0] == 550
    row = RawMessage.objects.get()
    assert row.envelope_to == [SHOP]  # the refused address is not ours to record
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "kundtjanst+10001@butik.example",
        "Kundtjanst@Butik.EXAMPLE",
        "KUNDTJANST+anything@butik.example",
    ],
)
def test_plain_upper_case_and_plus_addresses_are_ours(server, shop, address):
    assert send(server.port, swedish_mail(to=address), to=[address]) == {}
    assert RawMessage.objects.get().envelope_to == [address]


def test_recipient_lookup_prefers_the_most_specific_address(shop):
    gmail = ShopFactory(email="butiken+kundtjanst@gmail.example")
    plain = ShopFactory(email="butiken@gmail.example")
    assert smtpd.shop_for_address("<Butiken+Kundtjanst+10001@gmail.example>") == gmail
    assert smtpd.shop_for_address("butiken+kundtjanst@gmail.example") == gmail
    assert smtpd.shop_for_address("butiken+annat@gmail.example") == plain
    assert smtpd.shop_for_address("kundtjanst+@butik.example") == shop
    for stranger in (
        "+kundtjanst@butik.example",
        "kundtjanst@butik.example.evil",
        "kundtjanst",
        "postmaster@butik.example",
        "",
    ):
        assert smtpd.shop_for_address(stranger) is None, stranger


def test_a_reply_to_the_plus_address_joins_its_case(server, shop):  # R5
    shop.plus_addressing = True
    shop.save()
    send(server.port, swedish_mail())
    case = Case.objects.get()
    plus = f"kundtjanst+{case.number}@butik.example"
    # The customer changed the subject and the client dropped the threading headers;
    # the per-case address still leads to the case.
    send(
        server.port,
        swedish_mail(
            message_id="<fraga-2@example.se>",
            to=plus,
            subject="Ny fråga om samma sak",
            body="Hej igen, kan jag hämta den själv?\r\n",
        ),
        to=[plus],
    )
    assert Case.objects.count() == 1
    assert case.messages.count() == 2


def test_the_same_message_delivered_twice_is_one_message(server, shop):  # A6
    raw = swedish_mail()
    assert send(server.port, raw) == {}
    assert send(server.port, raw) == {}  # the sender did not see our 250 and retried
    assert RawMessage.objects.count() == 1
    assert Message.objects.count() == 1
    # Via another relay the bytes differ (a Received line), the Message-ID does not.
    relayed = swedish_mail(
        extra_headers="Received: from mx2.example.se by mx.butik.example;"
        " Mon, 23 Nov 2026 09:00:05 +0100\r\n"
    )
    assert send(server.port, relayed) == {}
    assert RawMessage.objects.count() == 2
    assert RawMessage.objects.get(sha256=hashlib.sha256(relayed).hexdigest()).state == (
        RawState.DUPLICATE
    )
    assert Message.objects.count() == 1
    assert Case.objects.count() == 1


def test_a_message_to_two_of_our_shops_reaches_both(server, shop):  # A6
    other = ShopFactory(name="Andra butiken", email="hej@andra.example")
    raw = swedish_mail(to=f"{SHOP}, hej@andra.example")
    assert send(server.port, raw, to=[SHOP, "hej@andra.example"]) == {}
    assert set(Case.objects.values_list("shop", flat=True)) == {shop.pk, other.pk}
    first = RawMessage.objects.get(shop=shop)
    assert rawstore.get(first.sha256) == raw  # the first shop keeps the exact bytes
    second = RawMessage.objects.get(shop=other)
    assert rawstore.get(second.sha256) == b"Delivered-To: hej@andra.example\r\n" + raw
    # Delivered again: still one case per shop.
    assert send(server.port, raw, to=[SHOP, "hej@andra.example"]) == {}
    assert Case.objects.count() == 2


def test_storage_failure_answers_451_so_the_sender_retries(server, shop, monkeypatch):  # A6
    def broken_disk(raw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rawstore, "put", broken_disk)
    with pytest.raises(smtplib.SMTPDataError) as error:
        send(server.port, swedish_mail())
    assert error.value.smtp_code == 451
    assert b"4.3.0" in error.value.smtp_error
    assert not RawMessage.objects.exists()
    monkeypatch.undo()
    assert send(server.port, swedish_mail()) == {}  # the sender's retry gets through
    assert Case.objects.count() == 1


def test_a_crash_after_storage_still_answers_250_and_the_worker_finishes(
    server, shop, monkeypatch
):  # A6
    def crash(*args, **kwargs):
        raise RuntimeError("worker killed mid-processing")

    monkeypatch.setattr(pipeline, "process", crash)
    monkeypatch.setattr(pipeline, "process_batch", crash)  # the worker's way in
    raw = swedish_mail()
    assert send(server.port, raw) == {}  # stored, so the sender may forget it
    row = RawMessage.objects.get()
    # Claimed by the worker that died (its batch claim counted the attempt): the lease
    # runs out and retry_failed takes it up.
    assert row.state == RawState.PROCESSING and rawstore.get(row.sha256) == raw
    assert not Case.objects.exists()
    monkeypatch.undo()
    assert row.claimed_at is not None  # the lease runs from the claim: let it run out
    RawMessage.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at.replace(year=2025))
    assert pipeline.retry_failed() == 1  # what the worker's retry_failed_inbound runs
    assert Case.objects.count() == 1


def test_a_database_failure_at_rcpt_is_temporary(server, shop, monkeypatch):
    def database_down(address):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(smtpd, "shop_for_address", database_down)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(server.port, swedish_mail())
    assert refused.value.recipients[SHOP][0] == 451


def test_messages_over_the_size_limit_are_refused_at_once(shop, settings, transactional_db):
    settings.SMTPD_MAX_MESSAGE_SIZE = 20_000
    handler, controller = _running()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == "20000"
            big = swedish_mail(body=("y" * 998 + "\r\n") * 30)
            with pytest.raises(smtplib.SMTPException) as error:
                client.sendmail(CUSTOMER, [SHOP], big)  # smtplib declares SIZE=…
            assert "552" in str(error.value)
            # A sender that does not declare the size is stopped at the end of DATA.
            client.rset()
            assert client.docmd("MAIL", f"FROM:<{CUSTOMER}>")[0] == 250
            assert client.docmd("RCPT", f"TO:<{SHOP}>")[0] == 250
            assert client.data(big)[0] == 552
    finally:
        controller.stop()
        handler.close()
    assert not RawMessage.objects.exists()


def test_a_line_longer_than_rfc_5321_allows_is_still_a_case(server, shop):  # A6
    raw = swedish_mail(body="Hej! " + "lång rad " * 400 + "\r\n")
    assert send(server.port, raw) == {}
    assert rawstore.get(RawMessage.objects.get().sha256) == raw
    assert Case.objects.count() == 1


def test_lmtp_accepts_a_message(lmtp_server, shop):  # A6
    raw = swedish_mail()
    with smtplib.LMTP("127.0.0.1", lmtp_server.port) as client:
        assert client.sendmail(CUSTOMER, [SHOP], raw, mail_options=["BODY=8BITMIME"]) == {}
    assert rawstore.get(RawMessage.objects.get().sha256) == raw
    assert Case.objects.count() == 1


def test_lmtp_answers_each_recipient_after_data(lmtp_server, shop):
    """RFC 2033: one reply per accepted recipient. smtplib.LMTP.sendmail reads only one,
    so speak the protocol by hand."""
    ShopFactory(name="Andra butiken", email="hej@andra.example")
    with smtplib.LMTP("127.0.0.1", lmtp_server.port) as client:
        assert client.docmd("LHLO", "mx.example")[0] == 250
        assert client.docmd("HELO", "mx.example")[0] == 500  # not LMTP
        assert client.docmd("MAIL", f"FROM:<{CUSTOMER}>")[0] == 250
        assert client.docmd("RCPT", f"TO:<{SHOP}>")[0] == 250
        assert client.docmd("RCPT", "TO:<nobody@butik.example>")[0] == 550
        assert client.docmd("RCPT", "TO:<hej@andra.example>")[0] == 250
        assert client.data(swedish_mail())[0] == 250  # first accepted recipient
        assert client.getreply()[0] == 250  # second accepted recipient
    assert Case.objects.count() == 2


def test_bounces_with_a_null_sender_are_accepted(server, shop):  # A6
    raw = swedish_mail(subject="Undelivered Mail Returned to Sender")
    with smtplib.SMTP("127.0.0.1", server.port) as client:
        assert client.sendmail("<>", [SHOP], raw) == {}
    assert RawMessage.objects.count() == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_until_stopped(shop, transactional_db):
    port, stop = _free_port(), threading.Event()
    thread = threading.Thread(target=smtpd.serve, args=("127.0.0.1", port), kwargs={"stop": stop})
    thread.start()
    try:
        for _ in range(100):
            try:
                assert send(port, swedish_mail()) == {}
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert Case.objects.count() == 1
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_the_command_starts_serve(monkeypatch):
    calls = []
    monkeypatch.setattr(smtpd, "serve", lambda host, port, lmtp: calls.append((host, port, lmtp)))
    call_command("smtpd", "--host", "0.0.0.0", "--port", "24", "--lmtp")  # noqa: S104
    call_command("smtpd")
    assert calls == [("0.0.0.0", 24, True), ("127.0.0.1", 2525, False)]  # noqa: S104


def test_a_one_megabyte_header_line_is_still_a_case(server, shop):  # A6
    """Issue #10: a 1 MB header line was answered "500 Line too long" (a permanent
    failure: the customer's question bounced). It is mail like any other within the
    size limit; the connection goes on serving."""
    raw = swedish_mail(extra_headers="X-Tracking: " + "a" * (1024 * 1024) + "\r\n")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as client:
        assert client.sendmail(CUSTOMER, [SHOP], raw) == {}
        assert client.noop()[0] == 250  # the same connection still works
        assert client.sendmail(CUSTOMER, [SHOP], swedish_mail(message_id="<next@x.se>")) == {}
    first = RawMessage.objects.order_by("pk").first()
    assert rawstore.get(first.sha256) == raw
    assert first.state == RawState.PROCESSED
    assert Case.objects.count() == 2


def test_a_line_longer_than_the_size_limit_is_too_big_not_a_syntax_error(
    shop, settings, transactional_db
):
    settings.SMTPD_MAX_MESSAGE_SIZE = 20_000
    handler, controller = _running()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as client:
            client.ehlo()
            assert client.docmd("MAIL", f"FROM:<{CUSTOMER}>")[0] == 250
            assert client.docmd("RCPT", f"TO:<{SHOP}>")[0] == 250
            code, text = client.data(swedish_mail(extra_headers="X-Long: " + "b" * 50_000 + "\r\n"))
            assert code == 552 and b"5.3.4" in text  # too big: the sender's bounce says so
            assert client.noop()[0] == 250
            # A command line that long is still refused as one (RFC 5321 4.5.3.1.4).
            assert client.docmd("NOOP", "x" * (2 * 1024 * 1024))[0] == 500
            assert client.noop()[0] == 250
    finally:
        controller.stop()
        handler.close()
    assert not RawMessage.objects.exists()
