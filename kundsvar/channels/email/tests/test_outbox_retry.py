"""Outgoing mail after an outage (issue #10): it goes out within a minute of the SMTP
server coming back, "retry now" exists (case page, settings, command), a relay that
takes the connection and never answers costs seconds, and sending has its own queue so
incoming mail never waits behind it."""

import socket
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.channels.email import outbox, pipeline, tasks
from kundsvar.channels.email.models import OutboundEmail, OutboundKind, OutboundState
from kundsvar.ops.management.commands import worker
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .mails import SHOP_ADDRESS, mail

pytest_plugins = ["kundsvar.channels.email.tests.smtp_sink"]
pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TICK = timedelta(seconds=30)  # how often the worker runs send_due


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken", slug="natbutiken", email=SHOP_ADDRESS)


@pytest.fixture
def _now(time_machine):
    time_machine.move_to(T0, tick=False)


def question(shop, n: int, at=T0) -> OutboundEmail:
    """A customer writes; the acknowledgement waits in the outbox."""
    row = pipeline.receive(
        mail(
            sender=f"kund{n}@example.se",
            subject=f"Fråga {n}",
            body=f"Hej! Var är paket nummer {'xyz'[n % 3] * (n + 1)}?",
        ),
        shop=shop,
        source="smtp",
        received_at=at,
    )
    return OutboundEmail.objects.get(case=row.case_message.case, kind=OutboundKind.ACK)


class SilentRelay:
    """Takes TCP connections on 127.0.0.1 and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_relay(settings):
    relay = SilentRelay()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", relay.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield relay
    relay.close()


def test_the_default_smtp_timeout_is_a_few_seconds():
    assert django_settings.EMAIL_TIMEOUT <= 10


def test_a_relay_that_never_answers_costs_one_timeout_per_run(shop, silent_relay, _now):
    rows = [question(shop, n) for n in range(3)]
    started = time.monotonic()
    assert outbox.send_due(now=T0) == 0
    elapsed = time.monotonic() - started
    # One attempt gave up after EMAIL_TIMEOUT (1 s here); the others were not tried
    # behind it (before: 30 s per mail, one after the other).
    assert elapsed < 2 * django_settings.EMAIL_TIMEOUT + 1
    first, *others = [OutboundEmail.objects.get(pk=r.pk) for r in rows]
    assert first.state == OutboundState.QUEUED and first.attempts == 1
    assert "timed out" in first.last_error.lower()
    assert first.next_attempt_at == T0 + outbox.backoff(1)  # rescheduled
    assert first.claimed_until is None
    assert [(o.attempts, o.next_attempt_at) for o in others] == [(0, T0), (0, T0)]


def test_delivery_resumes_within_a_minute_of_the_server_coming_back(
    shop, smtp_sink, _now
):  # A3, R1
    rows = [question(shop, n) for n in range(3)]
    smtp_sink.go_down()
    t = T0
    while t < T0 + timedelta(minutes=90):  # an outage of an hour and a half
        assert outbox.send_due(now=t) == 0
        t += TICK
    waiting = [OutboundEmail.objects.get(pk=r.pk) for r in rows]
    assert all(r.next_attempt_at - t > timedelta(minutes=10) for r in waiting)  # backed off
    smtp_sink.accept()
    back = t
    while not smtp_sink.received or len(smtp_sink.received) < 3:
        outbox.send_due(now=t)
        t += TICK
        assert t - back <= timedelta(minutes=1), "still waiting out the backoff"
    assert {OutboundEmail.objects.get(pk=r.pk).state for r in rows} == {OutboundState.SENT}
    assert len(smtp_sink.received) == 3  # each once


def test_a_server_refusing_mail_is_not_asked_every_run(shop, smtp_sink, _now):
    """A 451 is an answer: such mail keeps its backoff (the probe is for a server that
    could not be reached at all)."""
    row = question(shop, 1)
    smtp_sink.refuse("rcpt")
    t = T0
    for _ in range(10):
        outbox.send_due(now=t)
        t += TICK
    row.refresh_from_db()
    assert row.attempts == 3  # at 0, 1 and 3 minutes, not every 30 s


def test_retry_now_makes_waiting_and_failed_mail_due(shop, _now):
    waiting, failed, claimed, sent = (question(shop, n) for n in range(4))
    later = T0 + timedelta(minutes=30)
    OutboundEmail.objects.filter(pk=waiting.pk).update(
        attempts=5, next_attempt_at=later, last_error="TimeoutError: timed out"
    )
    OutboundEmail.objects.filter(pk=failed.pk).update(
        state=OutboundState.FAILED, attempts=outbox.MAX_ATTEMPTS, next_attempt_at=None
    )
    # A worker is sending this one right now: retrying it would send it twice.
    OutboundEmail.objects.filter(pk=claimed.pk).update(
        next_attempt_at=T0 + outbox.LEASE, claimed_until=T0 + outbox.LEASE
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(state=OutboundState.SENT, next_attempt_at=None)
    assert outbox.retry_now(OutboundEmail.objects.all(), now=T0) == 2
    got = {r.pk: r for r in OutboundEmail.objects.all()}
    assert (got[waiting.pk].state, got[waiting.pk].next_attempt_at) == ("queued", T0)
    assert (got[failed.pk].state, got[failed.pk].next_attempt_at) == ("queued", T0)
    assert got[failed.pk].attempts == 0  # a new round of attempts
    assert got[claimed.pk].next_attempt_at == T0 + outbox.LEASE
    assert got[sent.pk].state == OutboundState.SENT
    assert outbox.send_due(now=T0) == 2  # locmem: both go out at once


def test_the_case_page_button_retries_one_mail(
    client, shop, _now, django_capture_on_commit_callbacks
):
    ack = question(shop, 1)
    OutboundEmail.objects.filter(pk=ack.pk).update(
        state=OutboundState.FAILED,
        attempts=outbox.MAX_ATTEMPTS,
        next_attempt_at=None,
        last_error="SMTPRecipientsRefused: 451",
    )
    case = ack.case
    agent = AgentFactory(shops=[shop])
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number]))
    url = reverse("cases:retry_delivery", args=[case.number, ack.pk])
    assert url in page.content.decode()
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):  # the send_due task runs
        response = client.post(url)
    assert response.status_code == 302
    ack.refresh_from_db()
    assert ack.state == OutboundState.SENT  # locmem accepted it


def test_the_case_page_button_is_for_agents_of_the_shop_only(client, shop, _now):
    ack = question(shop, 1)
    OutboundEmail.objects.filter(pk=ack.pk).update(state=OutboundState.FAILED)
    stranger = AgentFactory(shops=[ShopFactory(slug="annan")])
    client.force_login(stranger)
    response = client.post(reverse("cases:retry_delivery", args=[ack.case.number, ack.pk]))
    assert response.status_code == 404
    ack.refresh_from_db()
    assert ack.state == OutboundState.FAILED


def test_the_settings_page_retries_all_of_the_shops_mail(client, shop, _now):
    rows = [question(shop, n) for n in range(2)]
    other_shop = ShopFactory(slug="annan", email="info@annan.example")
    other = pipeline.receive(
        mail(sender="x@example.dk", to="info@annan.example"),
        shop=other_shop,
        source="smtp",
        received_at=T0,
    )
    others = OutboundEmail.objects.filter(case__shop=other_shop)
    OutboundEmail.objects.update(state=OutboundState.FAILED, next_attempt_at=None)
    url = reverse("settings:outgoing_mail", args=[shop.slug])
    agent = AgentFactory(shops=[shop])
    client.force_login(agent)
    assert client.post(url).status_code == 403  # an agent, not the shop's admin
    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200 and rows[0].to_address in page.content.decode()
    assert client.post(url).status_code == 302
    assert {r.state for r in OutboundEmail.objects.filter(case__shop=shop)} == {"queued"}
    assert {r.state for r in others} == {"failed"}  # another shop's mail is not touched
    assert other.case_message is not None


def test_the_command_retries_all_or_one_shops_mail(shop, _now):
    question(shop, 1)
    other_shop = ShopFactory(slug="annan", email="info@annan.example")
    pipeline.receive(
        mail(sender="x@example.dk", to="info@annan.example"),
        shop=other_shop,
        source="smtp",
        received_at=T0,
    )
    OutboundEmail.objects.update(state=OutboundState.FAILED, next_attempt_at=None)
    out = StringIO()
    call_command("outbox", "retry", "--shop", "natbutiken", stdout=out)
    assert "1 " in out.getvalue()
    assert {r.case.shop.slug: r.state for r in OutboundEmail.objects.all()} == {
        "natbutiken": "queued",
        "annan": "failed",
    }
    call_command("outbox", "retry", stdout=StringIO())
    assert {r.state for r in OutboundEmail.objects.all()} == {"queued"}


def test_sending_has_its_own_queue_and_worker():
    assert tasks.send_outbound.queue_name == tasks.send_due_outbound.queue_name == "outbound"
    assert tasks.retry_failed_inbound.queue_name != "outbound"
    assert tasks.poll_mailboxes.queue_name != "outbound"
    assert "outbound" in django_settings.TASKS["default"]["QUEUES"]
    commands = worker.worker_commands()
    assert len(commands) == 2
    everything_else, outbound = commands
    assert everything_else[3] == "warm_db_worker" and outbound[3] == "db_worker"
    assert everything_else[everything_else.index("--queue-name") + 1] == "*"
    assert everything_else[everything_else.index("--exclude-queues") + 1] == "outbound"
    assert outbound[outbound.index("--queue-name") + 1] == "outbound"


def test_db_worker_takes_the_queue_options():
    """The options `kundsvar worker` passes exist in the installed django-tasks-db, and
    the warmed-up worker takes them too."""
    for command in worker.worker_commands():
        help_text = subprocess.run(  # noqa: S603 — our Python, our arguments
            [*command[:4], "--help"], capture_output=True, text=True, check=True
        ).stdout
        assert "--queue-name" in help_text and "--exclude-queues" in help_text


def test_new_mail_during_an_outage_waits_for_the_worker_run(
    shop, smtp_sink, _now, django_capture_on_commit_callbacks
):
    first = question(shop, 1)
    smtp_sink.go_down()
    assert outbox.send_due(now=T0) == 0  # unreachable: noted for every process
    with django_capture_on_commit_callbacks(execute=True):  # the send-after-commit task
        second = question(shop, 2)
    second.refresh_from_db()
    assert (second.attempts, second.next_attempt_at) == (0, T0)  # not tried, still due
    smtp_sink.accept()
    assert outbox.send_due(now=T0 + TICK) == 2  # the run asks the server, then sends
    assert {m["Message-ID"] for m in smtp_sink.messages()} == {
        first.message_id,
        second.message_id,
    }
