"""The mailbox probe (rule M2) end to end on this machine: a question sent over SMTP, the
mailbox polled over IMAP (a local Dovecot), against Kundsvar's own pipeline (its smtpd, an
agent's answers) and against a deliberately bad shop. Transactional: the smtpd stores mail
from its own threads."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kundsvar.accounts.models import Membership, Role
from kundsvar.audit import services
from kundsvar.audit.models import MailProbe, ProbeState
from kundsvar.cases import services as cases
from kundsvar.cases.models import Case
from kundsvar.channels.email.tests.dovecot import require_dovecot, running_dovecot
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .mailworld import (
    BAD_SHOP,
    PROBE_PASSWORD,
    PROBE_USER,
    BadShop,
    DeliverToDovecot,
    kundsvar_smtpd,
    smtp_server,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(tmp_path, settings, now):
    """The probe's mailbox, and Django's outgoing mail delivered into it."""
    require_dovecot()
    settings.VAR_DIR = tmp_path / "var"
    with running_dovecot(tmp_path / "dovecot", user=PROBE_USER, password=PROBE_PASSWORD) as box:
        with smtp_server(DeliverToDovecot(box)) as exchanger:
            host, port = exchanger.split(":")
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = host, int(port)
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
            yield box


def step_until(probe, state, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        probe = services.step_mail_probe(probe, PROBE_PASSWORD)
        if probe.state == state or time.monotonic() > deadline:
            return probe
        time.sleep(0.2)


def answer(shop, text):
    agent = Membership.objects.filter(shop=shop).first().agent
    case = Case.objects.get(shop=shop)
    cases.reply(case, agent, text)


def test_kundsvar_itself_scores_near_the_top(mailbox):  # M2, A1–A4, R1–R4, S1–S3
    shop = ShopFactory(name="Nordljus", email="kundtjanst@nordljus.example")
    Membership.objects.create(agent=AgentFactory(), shop=shop, role=Role.AGENT)
    with kundsvar_smtpd() as smtpd:
        probe = services.start_mail_probe(
            to=shop.email, smtp=smtpd, imap=f"127.0.0.1:{mailbox.port}", user=PROBE_USER,
            shop_name="Nordljus", wait_seconds=3600,
        )  # fmt: skip
        probe = step_until(probe, ProbeState.WAITING_ACK)  # the question is sent
        probe = step_until(probe, ProbeState.WAITING_ANSWER)  # the acknowledgement came
        answer(shop, "Hej Karin! Leveranstiden till Umeå är 2–3 dagar, och byte är fritt.")
        probe = step_until(probe, ProbeState.WAITING_FOLLOW_UP)  # answer in, follow-up sent
        assert Case.objects.get(shop=shop).messages.filter(direction="in").count() == 2
        answer(shop, "Ja, vi står för returfrakten vid byte.")
        probe = step_until(probe, ProbeState.DONE)
    results = {r["code"]: r for r in probe.results}
    assert {k: r["status"] for k, r in results.items() if r["status"] != "pass"} == {}
    assert probe.score == 100
    assert results["ack_subject"]["figure"].startswith("subject: “Nordljus: Vi har tagit emot")
    assert all(r["why"] and r["rule"] for r in probe.results)


def test_a_bad_shop_scores_near_the_bottom(mailbox):  # M2
    with smtp_server(BadShop(mailbox)) as bad:
        probe = services.start_mail_probe(
            to=BAD_SHOP, smtp=bad, imap=f"127.0.0.1:{mailbox.port}", user=PROBE_USER,
            shop_name="Dålig butik", wait_seconds=3600,
        )  # fmt: skip
        probe = step_until(probe, ProbeState.WAITING_ACK)
        probe = step_until(probe, ProbeState.WAITING_ANSWER)
    sent = probe.sent_at
    probe = services.step_mail_probe(probe, PROBE_PASSWORD, now=sent + timedelta(minutes=30))
    assert probe.state == ProbeState.WAITING_ANSWER  # still waiting: nothing more came
    probe = services.step_mail_probe(probe, PROBE_PASSWORD, now=sent + timedelta(hours=1))
    got = {r["code"]: (r["status"], r["figure"]) for r in probe.results}
    assert probe.state == ProbeState.DONE and probe.score < 15
    assert got["ack_time"][0] == "pass"  # it is fast: fast and useless
    assert got["ack_sender"] == ("fail", "from noreply@dalig-butik.example")
    assert got["ack_subject"] == ("fail", "subject: “”")
    assert got["ack_promise"] == ("fail", "no promise")
    assert got["answer_time"] == ("fail", "no answer")
    assert got["follow_up_time"][0] == "unknown"


def test_a_stopped_probe_resumes_from_its_row(mailbox, monkeypatch):  # M2: state in the database
    monkeypatch.setenv("KUNDSVAR_PROBE_PASSWORD", PROBE_PASSWORD)
    with smtp_server(BadShop(mailbox)) as bad:
        out = StringIO()
        call_command(
            "probe", "mail", "--to", BAD_SHOP, "--smtp", bad, "--imap",
            f"127.0.0.1:{mailbox.port}", "--user", PROBE_USER, "--wait", "1h", "--once",
            stdout=out,
        )  # fmt: skip
        probe = MailProbe.objects.get()
        assert probe.state == ProbeState.WAITING_ACK and f"--resume {probe.pk}" in out.getvalue()
        # A new process: nothing but the id.
        deadline = time.monotonic() + 20
        while (
            MailProbe.objects.get().state == ProbeState.WAITING_ACK and time.monotonic() < deadline
        ):
            call_command("probe", "mail", "--resume", str(probe.pk), "--once", stdout=StringIO())
            call_command("probe", "mail", "--pending", stdout=StringIO())  # what cron runs
            time.sleep(0.2)
    assert MailProbe.objects.get().state == ProbeState.WAITING_ANSWER
    assert MailProbe.objects.count() == 1
    assert timezone.now() >= MailProbe.objects.get().sent_at
