"""Outgoing mail over real SMTP: Django's SMTP backend talking to a test server.

What is checked end to end: the acknowledgement reaches the customer once, from the
shop's address, threaded to the question (A2, A3, R1, R5); a mail server that refuses
or is down for an hour loses nothing and duplicates nothing; a mail that can never be
delivered shows on its case; and no auto-responder can start a mail loop with us.

The worker is simulated: `outbox.send_due(now=t)` at explicit, advancing times, as the
worker calls it every 30 seconds. These tests do not commit (pytest-django's default),
so the immediate "send after commit" task only runs where a test asks for it.
"""

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, CaseEvent, EventKind
from kundsvar.channels.email import outbox, pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind, OutboundState
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytest_plugins = ["kundsvar.channels.email.tests.smtp_sink"]
# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

SHOP = "kundtjanst@butik.example"
TICK = timedelta(seconds=30)  # how often the worker runs send_due


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", email=SHOP)


def question(
    sender="karin@example.se",
    name="Karin Lindqvist",
    subject="Leveranstid jacka",
    body="Hej! När kommer min jacka? Order 100231.\n\nMvh Karin",
    message_id=None,
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = SHOP
    message["Subject"] = subject
    message["Date"] = "Mon, 23 Nov 2026 09:00:00 +0100"
    message["Message-ID"] = message_id or make_msgid(domain=sender.split("@")[1])
    for header, value in headers.items():
        message[header.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def receive(shop, raw):
    return pipeline.receive(raw, shop=shop, source="smtp", envelope_to=[SHOP])


def addr(message, header="From") -> str:
    return message[header].addresses[0].addr_spec


# --- (a) the acknowledgement goes out -----------------------------------------------


def test_the_acknowledgement_arrives_once_from_the_shop_address(
    shop, smtp_sink, django_capture_on_commit_callbacks
):  # A2, A3, R5
    with django_capture_on_commit_callbacks(execute=True):  # the send-after-commit task
        row = receive(shop, question(message_id="<q1@example.se>"))
    case = row.case_message.case
    ack = OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK)
    assert ack.state == OutboundState.SENT and ack.attempts == 1
    assert len(smtp_sink.received) == 1
    got = smtp_sink.received[0]
    assert got.mail_from == SHOP  # A3: bounces return to a real mailbox, never noreply@
    assert got.rcpt_tos == ["karin@example.se"]
    assert got.data == bytes(ack.mime)  # what was stored is exactly what went out
    sent = got.message
    assert addr(sent) == SHOP  # A3
    assert sent["Message-ID"] == ack.message_id
    assert sent["Auto-Submitted"] == "auto-replied"  # RFC 3834: no responder answers it
    assert sent["In-Reply-To"] == "<q1@example.se>"  # R5
    assert "<q1@example.se>" in sent["References"]  # R5
    assert shop.name in sent["Subject"]  # A2
    assert f"[#{case.number}]" in sent["Subject"]  # A2
    assert "Leveranstid jacka" in sent["Subject"]  # A2
    # Later worker runs have nothing left to send: it arrived once.
    assert outbox.send_due(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(smtp_sink.received) == 1


def test_the_reply_comes_from_the_same_address_as_the_acknowledgement(
    shop, smtp_sink, django_capture_on_commit_callbacks
):  # R1, R5
    agent = AgentFactory(shops=[shop])
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(shop, question(message_id="<q2@example.se>"))
    case = row.case_message.case
    with django_capture_on_commit_callbacks(execute=True):
        cases.reply(case, agent, "Hej Karin! Jackan skickades i dag, kolli 00370712345.")
    ack, answer = smtp_sink.messages()
    assert addr(answer) == addr(ack) == SHOP  # R1
    assert smtp_sink.received[1].mail_from == smtp_sink.received[0].mail_from  # R1
    assert answer["In-Reply-To"] == "<q2@example.se>"  # R5
    assert f"[#{case.number}]" in answer["Subject"]  # R2
    assert "Auto-Submitted" not in answer  # a person wrote it
    assert OutboundEmail.objects.filter(state=OutboundState.SENT).count() == 2


# --- (b) a mail server that refuses for a while -------------------------------------


def _queue_several(shop) -> list[OutboundEmail]:
    """Three customers' acknowledgements and an agent's reply, all waiting to be sent."""
    agent = AgentFactory(shops=[shop])
    # Three different questions: the same words thrice from one domain would be a machine.
    rows = [
        receive(
            shop,
            question(
                sender=f"kund{i}@example.se",
                name=f"Kund {i}",
                subject=f"Fråga {i}",
                body=f"Hej! När kommer min {item}?",
            ),
        )
        for i, item in enumerate(["jacka", "mössa", "halsduk"])
    ]
    cases.reply(rows[0].case_message.case, agent, "Hej! Den är på väg.")
    queued = list(OutboundEmail.objects.order_by("pk"))
    assert [r.kind for r in queued] == ["ack", "ack", "ack", "reply"]
    assert {r.state for r in queued} == {OutboundState.QUEUED}
    return queued


def _all(rows):
    return [OutboundEmail.objects.get(pk=r.pk) for r in rows]


# A server that is down altogether: test_outbox_retry.py (one try per worker run, and
# sending resumes within a minute of its return instead of after the backoff).
@pytest.mark.parametrize("outage", ["refuse_rcpt", "refuse_data"])
def test_an_hour_long_outage_loses_nothing_and_sends_each_mail_once(
    shop, smtp_sink, outage
):  # A3, R1: every acknowledgement and reply arrives
    rows = _queue_several(shop)
    smtp_sink.refuse(outage.removeprefix("refuse_"))  # 451 until told otherwise
    start = timezone.now()
    t = start
    while t < start + timedelta(minutes=60):  # the worker keeps trying, every 30 s
        assert outbox.send_due(now=t) == 0
        for row in _all(rows):
            assert row.state == OutboundState.QUEUED
            assert row.last_error  # shown to the team
            assert row.next_attempt_at > t  # waits out its backoff
        t += TICK
    # Attempts at 0, 1, 3, 7, 15 and 31 minutes: backed off, not hammering the server.
    for row in _all(rows):
        assert row.attempts == 6
        assert row.next_attempt_at == start + timedelta(minutes=63)
        assert "451" in row.last_error
    assert smtp_sink.received == []

    smtp_sink.accept()
    while t < start + timedelta(minutes=120):
        outbox.send_due(now=t)
        t += TICK
    sent = _all(rows)
    assert {r.state for r in sent} == {OutboundState.SENT}
    assert {r.sent_at for r in sent} == {start + timedelta(minutes=63)}
    assert {r.attempts for r in sent} == {7}
    assert {r.last_error for r in sent} == {""}
    arrived = [m["Message-ID"] for m in smtp_sink.messages()]
    assert sorted(arrived) == sorted(r.message_id for r in rows)  # each exactly once
    assert sorted(m.rcpt_tos[0] for m in smtp_sink.received) == sorted(r.to_address for r in rows)


def test_a_server_that_refuses_the_first_attempts_then_accepts(shop, smtp_sink):
    rows = _queue_several(shop)
    smtp_sink.refuse("rcpt", times=2)  # the first two recipients get 451
    t = timezone.now()
    assert outbox.send_due(now=t) == 2
    first = _all(rows)
    assert [r.state for r in first] == ["queued", "queued", "sent", "sent"]
    assert [r.attempts for r in first] == [1, 1, 1, 1]
    assert "451" in first[0].last_error
    assert outbox.send_due(now=t + timedelta(seconds=59)) == 0  # backoff: one minute
    assert outbox.send_due(now=t + timedelta(minutes=1)) == 2
    assert {r.state for r in _all(rows)} == {OutboundState.SENT}
    assert len(smtp_sink.received) == 4
    assert len({m["Message-ID"] for m in smtp_sink.messages()}) == 4
    assert outbox.send_due(now=t + timedelta(days=1)) == 0
    assert len(smtp_sink.received) == 4


def test_a_row_left_claimed_by_a_dead_worker_is_sent_once_after_its_lease(
    shop, smtp_sink, monkeypatch
):
    row = receive(shop, question())
    ack = OutboundEmail.objects.get(kind=OutboundKind.ACK)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the worker process dies in the middle of sending

    t = timezone.now()
    monkeypatch.setattr(outbox, "get_connection", killed)
    with pytest.raises(KeyboardInterrupt):
        outbox.send(ack.pk, now=t)
    monkeypatch.undo()
    ack.refresh_from_db()
    assert ack.state == OutboundState.QUEUED and ack.attempts == 0
    # While the lease runs, other workers keep their hands off (it might be on its way).
    assert outbox.send_due(now=t + outbox.LEASE - timedelta(seconds=1)) == 0
    assert smtp_sink.received == []
    # The lease expired: the next worker run sends it, once.
    assert outbox.send_due(now=t + outbox.LEASE) == 1
    assert outbox.send_due(now=t + outbox.LEASE + TICK) == 0
    assert outbox.send(ack.pk, now=t + 2 * outbox.LEASE) == "skipped"
    assert len(smtp_sink.received) == 1
    ack.refresh_from_db()
    assert ack.state == OutboundState.SENT and ack.attempts == 1
    assert row.case_message.case.outbound.count() == 1


# --- (c) a mail that can never be delivered -----------------------------------------


def test_after_max_attempts_the_row_fails_and_the_case_shows_it(shop, smtp_sink):
    row = receive(shop, question())
    case = row.case_message.case
    ack = OutboundEmail.objects.get(case=case)
    smtp_sink.refuse("rcpt")
    t = timezone.now()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert outbox.send_due(now=t) == 0
        ack.refresh_from_db()
        assert ack.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert ack.state == OutboundState.QUEUED
            t = ack.next_attempt_at
    assert ack.state == OutboundState.FAILED
    assert ack.next_attempt_at is None
    assert "451" in ack.last_error
    assert t - ack.created_at > timedelta(hours=24)  # it tried for more than a day
    event = CaseEvent.objects.get(case=case, kind=EventKind.DELIVERY_FAILED)
    assert event.data["outbound"] == ack.pk
    assert event.data["to"] == "karin@example.se"
    # Nobody sends a failed row behind the team's back.
    smtp_sink.accept()
    assert outbox.send_due(now=t + timedelta(days=7)) == 0
    assert smtp_sink.received == []


# --- (d) no mail loops with auto-responders -----------------------------------------


def auto_reply(
    received,
    *,
    proper: bool,
    sender: str | None = None,
    cut: bool = True,
) -> bytes:
    """What an auto-responder sends back for a mail it got. `proper`: RFC 3834
    (Auto-Submitted, threading headers, an "Autosvar:" subject). Otherwise a crude one:
    a plain "Re:" subject, by default cut to 60 characters (so our [#number] is lost),
    and no other sign of what it is."""
    original = received.message
    answer = EmailMessage()
    answer["From"] = sender or received.rcpt_tos[0]
    answer["To"] = addr(original, "Reply-To")
    answer["Date"] = "Mon, 23 Nov 2026 09:05:00 +0100"
    answer["Message-ID"] = make_msgid(domain=answer["From"].addresses[0].domain)
    if proper:
        answer["Subject"] = f"Autosvar: {original['Subject']}"
        answer["Auto-Submitted"] = "auto-replied"
        answer["In-Reply-To"] = original["Message-ID"]
        answer["References"] = original["Message-ID"]
        answer.set_content("Jag är på semester till och med 1 december.")
    else:
        subject = f"Re: {original['Subject']}"
        answer["Subject"] = subject[:60] if cut else subject
        answer.set_content("Tack för ditt mejl! Vi återkommer så snart vi kan.")
    return answer.as_bytes()


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _worker_run():
    return outbox.send_due(now=timezone.now())


def test_a_proper_auto_responder_gets_no_acknowledgement(shop, smtp_sink):  # A2, R5
    receive(shop, question(message_id="<q3@example.se>"))
    _worker_run()
    assert len(smtp_sink.received) == 1
    ack = smtp_sink.received[0]
    rows = OutboundEmail.objects.count()
    for _ in range(5):  # a responder without memory answers the same mail again and again
        reply_row = receive(shop, auto_reply(smtp_sink.received[-1], proper=True))
        _worker_run()
        assert reply_row.kind == "auto_reply"
        assert OutboundEmail.objects.count() == rows  # no further acknowledgement
        assert len(smtp_sink.received) == 1
        assert smtp_sink.received[-1] is ack
    case = Case.objects.get()  # the replies are filed with the case, not new cases
    assert case.messages.count() == 6


def test_a_crude_responder_on_the_thread_is_not_answered_again(shop, smtp_sink):
    receive(shop, question())
    _worker_run()
    case = Case.objects.get()
    rows = OutboundEmail.objects.count()
    for _ in range(5):
        crude = auto_reply(smtp_sink.received[-1], proper=False, cut=False)
        assert f"[#{case.number}]" in str(parsed(crude)["Subject"])
        receive(shop, crude)
        _worker_run()
        # More words on an unanswered question: the promise already given stands.
        assert OutboundEmail.objects.count() == rows
    assert len(smtp_sink.received) == 1
    assert Case.objects.count() == 1


def test_a_crude_responder_is_stopped_by_the_hourly_acknowledgement_limit(shop, smtp_sink):
    """A helpdesk that answers every mail with "Re: …" and no Auto-Submitted, and cuts
    the subject so our case number is lost: each of its answers looks like a new
    question. The per-sender hourly limit ends the ping-pong (A6: still no mail lost)."""
    helpdesk = "support@leverantor.example"
    limit = django_settings.ACKS_PER_SENDER_PER_HOUR
    receive(
        shop,
        question(
            sender=helpdesk, name="Leverantören", subject="Fråga om er beställning av 40 jackor"
        ),
    )
    _worker_run()
    answered = 0
    for _ in range(20):  # a real loop would run to the end of this
        new = smtp_sink.received[answered:]
        if not new:
            break
        for mail in new:
            receive(shop, auto_reply(mail, proper=False, sender=helpdesk))
        answered += len(new)
        _worker_run()
    else:
        pytest.fail("mail loop: we kept acknowledging the responder")
    acks = OutboundEmail.objects.filter(kind=OutboundKind.ACK, to_address=helpdesk)
    assert acks.count() == limit
    assert len(smtp_sink.received) == limit
    assert Case.objects.count() == limit + 1  # every message kept (A6), none answered twice
    # Any further crude answer within the hour: kept, still nothing goes out.
    receive(shop, auto_reply(smtp_sink.received[-1], proper=False, sender=helpdesk))
    _worker_run()
    assert OutboundEmail.objects.count() == limit
