"""Settings → Email: a new owner connects the shop's mailbox and outgoing server without a
shell. "Test connection" says exactly what is wrong (DNS, refused, TLS, password, folder)
against a real Dovecot and a real SMTP server on loopback; passwords are encrypted at rest
and never shown again; the sender check refuses no-reply (A3) and gives SPF/DKIM advice."""

import hashlib

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.models import Case
from kundsvar.channels.email import imap, outbox, probe, sender
from kundsvar.channels.email.models import Mailbox, OutboundEmail, SmtpServer
from kundsvar.core import crypto
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory, admin_client

from .dovecot import free_port, require_dovecot, running_dovecot
from .mails import mail
from .smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db
SHOP = "kundtjanst@butik.example"


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
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
def admin(shop):
    return admin_client(shop)


def stored_column(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def mailbox_for(server, **changes) -> Mailbox:
    values = {
        "name": "Kundtjänst",
        "host": server.host,
        "port": server.port,
        "use_tls": False,
        "username": server.user,
        "password": server.password,
        "folder": "INBOX",
    }
    return Mailbox(**{**values, **changes})


# -- encryption at rest ----------------------------------------------------------------
def test_passwords_are_encrypted_in_the_database_and_plain_in_python(shop, settings):
    settings.ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode()]
    box = Mailbox.objects.create(
        shop=shop, name="a", host="imap.example", username="u", password="hemligt-lösen"
    )
    raw = stored_column(Mailbox._meta.db_table, box.pk)
    assert raw.startswith(crypto.PREFIX) and "hemligt" not in raw
    assert Mailbox.objects.get(pk=box.pk).password == "hemligt-lösen"


def test_a_new_key_put_first_still_reads_the_old_and_rotation_moves_to_it(shop, settings):
    old = crypto.Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    stored = crypto.encrypt("lösen")
    new = crypto.Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(stored) == "lösen"
    rotated = crypto.rotate(stored)
    settings.ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == "lösen"
    with pytest.raises(crypto.ImproperlyConfigured):
        crypto.decrypt(stored)  # the old key is gone: a clear error, not garbage


def test_a_password_stored_before_encryption_is_still_read():
    assert crypto.decrypt("gammalt-lösen") == "gammalt-lösen"


# -- IMAP test connection against Dovecot ------------------------------------------------
def test_imap_test_connection_succeeds_and_names_the_folder(server):
    outcome = probe.test_imap(mailbox_for(server, move_to="Arkiv/Kundsvar"))
    assert outcome.ok and outcome.code == "ok", outcome
    assert "Arkiv/Kundsvar" in outcome.detail  # to be created at the first poll


def test_imap_wrong_password_is_reported_as_authentication(server):
    outcome = probe.test_imap(mailbox_for(server, password="fel-lösenord"))
    assert (outcome.ok, outcome.code) == (False, "auth"), outcome


def test_imap_missing_folder_is_reported_with_the_folders_there_are(server):
    outcome = probe.test_imap(mailbox_for(server, folder="Kundtjanst"))
    assert (outcome.ok, outcome.code) == (False, "folder"), outcome
    assert "Kundtjanst" in outcome.message and "INBOX" in outcome.detail


def test_imap_tls_against_a_plain_server_is_reported_as_tls(server):
    outcome = probe.test_imap(mailbox_for(server, use_tls=True))
    assert (outcome.ok, outcome.code) == (False, "tls"), outcome


def test_imap_unknown_host_is_dns_and_a_closed_port_is_refused():
    dns = probe.test_imap(Mailbox(host="imap.finns-inte.invalid", port=993, username="u"))
    assert (dns.ok, dns.code) == (False, "dns"), dns
    closed = probe.test_imap(Mailbox(host="127.0.0.1", port=free_port(), use_tls=False))
    assert (closed.ok, closed.code) == (False, "refused"), closed


# -- SMTP test connection against aiosmtpd --------------------------------------------------
class _Authenticating(SmtpSink):
    """The sink, offering AUTH LOGIN/PLAIN without TLS (loopback only, for the test)."""

    def start(self):
        def authenticator(server, session, envelope, mechanism, data):
            ok = data.login == b"butiken" and data.password == b"ratt-losen"
            return AuthResult(success=ok, handled=False)

        self._controller = Controller(
            self,
            hostname=self.host,
            port=free_port(),
            authenticator=authenticator,
            auth_require_tls=False,
        )
        self._controller.start()
        self.port = self._controller.port
        return self


@pytest.fixture
def smtp_auth():
    sink = _Authenticating().start()
    try:
        yield sink
    finally:
        sink.stop()


def test_smtp_login_works_and_a_wrong_password_is_authentication(smtp_auth):
    ok = probe.test_smtp(smtp_auth.host, smtp_auth.port, "none", "butiken", "ratt-losen")
    assert ok.ok, ok
    bad = probe.test_smtp(smtp_auth.host, smtp_auth.port, "none", "butiken", "fel")
    assert (bad.ok, bad.code) == (False, "auth"), bad
    swedish = probe.test_smtp(smtp_auth.host, smtp_auth.port, "none", "butiken", "lösen")
    assert (swedish.code, "å, ä, ö" in swedish.message) == ("auth", True), swedish


def test_smtp_starttls_not_offered_and_tls_on_a_plain_port_are_told_apart(smtp_auth):
    starttls = probe.test_smtp(smtp_auth.host, smtp_auth.port, "starttls", "", "")
    assert (starttls.ok, starttls.code) == (False, "starttls"), starttls
    tls = probe.test_smtp(smtp_auth.host, smtp_auth.port, "tls", "", "")
    assert (tls.ok, tls.code) == (False, "tls"), tls
    dns = probe.test_smtp("smtp.finns-inte.invalid", 587, "starttls", "", "")
    assert dns.code == "dns"


# -- the pages ------------------------------------------------------------------------------
def test_owner_adds_a_mailbox_tests_it_and_a_mail_becomes_a_case(admin, shop, server, settings):
    settings.ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode()]
    url = reverse("settings:mailbox_new", args=[shop.slug])
    form = {
        "name": "Kundtjänst",
        "host": server.host,
        "port": server.port,
        "username": server.user,
        "password": server.password,
        "folder": "INBOX",
        "move_to": "",
    }
    tested = admin.post(url, {**form, "action": "test"})
    assert 'data-code="ok"' in tested.content.decode()
    assert not Mailbox.objects.exists()  # testing saves nothing
    assert admin.post(url, {**form, "action": "save"}).status_code == 302
    box = Mailbox.objects.get(shop=shop)
    assert box.password == server.password
    assert server.password not in stored_column(Mailbox._meta.db_table, box.pk)
    page = admin.get(reverse("settings:mailbox_edit", args=[shop.slug, box.pk])).content.decode()
    assert server.password not in page  # never shown again
    # Saving again without typing the password keeps it.
    edit = reverse("settings:mailbox_edit", args=[shop.slug, box.pk])
    admin.post(edit, {**form, "password": "", "folder": "INBOX", "action": "save"})
    assert Mailbox.objects.get(pk=box.pk).password == server.password
    server.append(mail(subject="Testmejl från ägaren"))
    imap.poll_all()
    assert Case.objects.filter(shop=shop, subject="Testmejl från ägaren").exists()


def test_the_page_reports_a_wrong_password_without_saving(admin, shop, server):
    url = reverse("settings:mailbox_new", args=[shop.slug])
    page = admin.post(
        url,
        {
            "name": "K",
            "host": server.host,
            "port": server.port,
            "username": server.user,
            "password": "fel",
            "folder": "INBOX",
            "action": "test",
        },
    ).content.decode()
    assert 'data-code="auth"' in page
    assert not Mailbox.objects.exists()


def test_smtp_settings_saved_tested_and_used_for_the_shops_mail(admin, shop, smtp_auth, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("settings:email", args=[shop.slug])
    form = {
        "smtp-host": smtp_auth.host,
        "smtp-port": smtp_auth.port,
        "smtp-security": "none",
        "smtp-username": "butiken",
        "smtp-password": "ratt-losen",
        "smtp-enabled": "on",
    }
    assert 'data-code="ok"' in admin.post(url, {**form, "action": "smtp_test"}).content.decode()
    assert admin.post(url, {**form, "action": "smtp_save"}).status_code == 302
    server = SmtpServer.objects.get(shop=shop)
    assert "ratt-losen" not in stored_column(SmtpServer._meta.db_table, server.pk)
    assert "ratt-losen" not in admin.get(url).content.decode()
    row = OutboundEmail.objects.create(
        kind="order",
        from_address=SHOP,
        to_address="karin@example.se",
        subject="Din order",
        message_id="<t1@butik.example>",
        mime=mail(sender=SHOP, to="karin@example.se", subject="Din order"),
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    assert outbox.send(row.pk) == "sent"
    assert [r.rcpt_tos for r in smtp_auth.received] == [["karin@example.se"]]


def test_the_http_secret_is_shown_once(admin, shop):
    url = reverse("settings:email", args=[shop.slug])
    made = admin.post(url, {"action": "inbound_secret"}).content.decode()
    shop.refresh_from_db()
    assert shop.inbound_secret and shop.inbound_secret in made
    assert shop.inbound_secret not in admin.get(url).content.decode()


def test_only_the_shops_admin_sees_the_page(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    stranger = AgentFactory()
    url = reverse("settings:email", args=[shop.slug])
    client = Client()
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(stranger)
    assert client.get(url).status_code == 404


# -- sender check (A3) ------------------------------------------------------------------------
def test_a_noreply_sender_is_an_error_and_spf_advice_names_the_provider():
    advice = sender.check("noreply@butik.example", None)
    assert advice[0].level == "error"
    office = SmtpServer(host="smtp.office365.com", username="info@annan.example", enabled=True)
    found = sender.check("kundtjanst@butik.example", office)
    assert [a.level for a in found] == ["warning", "info", "info"]
    assert found[1].record == "v=spf1 include:spf.protection.outlook.com ~all"
    assert "_dmarc.butik.example" in found[2].record


def test_the_key_is_not_the_secret_key_itself(settings):
    settings.ENCRYPTION_KEYS = []
    derived = crypto._keys()[0]
    assert settings.SECRET_KEY.encode() not in derived
    assert len(hashlib.sha256(derived).digest()) == 32


def test_rotate_secrets_moves_every_password_to_the_new_key(shop, settings):
    from django.core.management import call_command

    old, new = crypto.Fernet.generate_key().decode(), crypto.Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    box = Mailbox.objects.create(shop=shop, name="a", host="h", username="u", password="lösen")
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate-secrets", stdout=None)
    settings.ENCRYPTION_KEYS = [new]
    assert Mailbox.objects.get(pk=box.pk).password == "lösen"
