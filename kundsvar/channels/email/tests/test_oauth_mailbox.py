"""Microsoft 365 / Google Workspace mailboxes through OAuth2 (issue 17): the owner connects
from Settings → Email (authorization code with PKCE and a signed state), mail is fetched
over IMAP and sent over SMTP with XOAUTH2, the token is refreshed before it expires (and
once when a server refuses it), and a refused refresh asks the owner to connect again.

Everything is local: a fake authorization server (oauth_fake.FakeProvider), Dovecot with
its oauth2 passdb asking that server to introspect every XOAUTH2 token, and an aiosmtpd
server that takes AUTH XOAUTH2 only."""

import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases import services
from kundsvar.cases.models import Case
from kundsvar.channels.email import imap, oauth, outbox, probe
from kundsvar.channels.email.models import (
    Mailbox,
    OAuthConnection,
    OAuthStatus,
    OutboundEmail,
    SignIn,
    SmtpServer,
)
from kundsvar.core import crypto
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory, admin_client

from .dovecot import USER, require_dovecot, running_dovecot
from .mails import mail
from .oauth_fake import CLIENT_ID, CLIENT_SECRET, provider, xoauth_smtp  # noqa: F401

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, time_machine):
    settings.VAR_DIR = tmp_path / "var"
    settings.ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode()]
    settings.MAIL_OAUTH_CLIENT_SECRETS = {"microsoft": "", "google": ""}
    time_machine.move_to(T0, tick=True)


@pytest.fixture
def dovecot(tmp_path, provider):  # noqa: F811
    require_dovecot()
    with running_dovecot(
        tmp_path / "dovecot", introspection_url=provider.base + "/introspect"
    ) as server:
        yield server


@pytest.fixture
def shop():
    return ShopFactory(email=USER)


@pytest.fixture
def admin(shop):
    """The shop's admin, who reads the pages in English (the agent's own language)."""
    return english(admin_client(shop))


def english(client):
    agent = Membership.objects.filter(role=Role.ADMIN).latest("pk").agent
    agent.language = "en"
    agent.save(update_fields=["language"])
    return client


def oauth_form(provider, **changes) -> dict:  # noqa: F811
    return {
        "action": "oauth_save",
        "oauth-provider": "custom",
        "oauth-tenant": "",
        "oauth-client_id": CLIENT_ID,
        "oauth-client_secret": CLIENT_SECRET,
        "oauth-authorize_url": provider.base + "/authorize",
        "oauth-token_url": provider.base + "/token",
        "oauth-scope": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
        **changes,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def provider_redirects_back(url: str) -> str:
    """The browser at the provider's sign-in page: where it is sent back to (path+query)."""
    try:
        urllib.request.build_opener(_NoRedirect).open(url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        back = urllib.parse.urlsplit(answer.headers["Location"])
        return f"{back.path}?{back.query}"
    raise AssertionError("the provider did not redirect")


def connect(admin, shop, provider, **changes):  # noqa: F811
    """The owner's clicks: save the app, "Connect", consent, back. Returns the final page."""
    settings_url = reverse("settings:email", args=[shop.slug])
    assert admin.post(settings_url, oauth_form(provider, **changes)).status_code == 302
    start = admin.post(reverse("settings:email_oauth_connect", args=[shop.slug]))
    assert start.status_code == 302 and start.url.startswith(provider.base + "/authorize?")
    back = provider_redirects_back(start.url)
    return admin.get(back, follow=True)


def text(response) -> str:
    return response.content.decode()


def poll_one(shop) -> imap.PollResult:
    (result,) = imap.poll_each(Mailbox.objects.filter(shop=shop))
    return result


def oauth_mailbox(shop, server) -> Mailbox:
    return Mailbox.objects.create(
        shop=shop,
        name="Kundtjänst",
        host=server.host,
        port=server.port,
        use_tls=False,
        sign_in=SignIn.OAUTH2,
        username=server.user,
    )


def oauth_smtp(shop, sink) -> SmtpServer:
    return SmtpServer.objects.create(
        shop=shop, host=sink.host, port=sink.port, security="none", sign_in=SignIn.OAUTH2
    )


# -- the whole way: connect, fetch, answer ---------------------------------------------------
def test_owner_connects_with_oauth_fetches_a_mail_and_answers_it(
    admin,
    shop,
    provider,  # noqa: F811
    dovecot,
    xoauth_smtp,  # noqa: F811
):
    page = connect(admin, shop, provider)
    assert "Connected as kundtjanst@butik.example" in text(page)
    assert 'data-status="connected"' in text(page)
    conn = OAuthConnection.objects.get(shop=shop)
    assert (conn.account, conn.status) == (USER, OAuthStatus.CONNECTED)
    assert provider.valid(conn.access_token) and conn.refresh_token in provider.refresh_tokens
    assert conn.expires_at > timezone.now() + timedelta(minutes=59)
    # The client secret and tokens are encrypted at rest and never shown again.
    assert CLIENT_SECRET not in text(page)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret, refresh_token, access_token FROM mail_oauthconnection"
        )
        stored = cursor.fetchone()
    assert all(v.startswith(crypto.PREFIX) for v in stored)
    assert conn.refresh_token not in stored[1]

    # IMAP: "Test connection" and save, with XOAUTH2 checked by Dovecot.
    new = reverse("settings:mailbox_new", args=[shop.slug])
    box = {
        "name": "Kundtjänst",
        "host": dovecot.host,
        "port": dovecot.port,
        "sign_in": "oauth2",
        "username": dovecot.user,
        "password": "",
        "folder": "INBOX",
        "move_to": "",
    }
    assert 'data-code="ok"' in text(admin.post(new, {**box, "action": "test"}))
    assert admin.post(new, {**box, "action": "save"}).status_code == 302
    dovecot.append(mail(sender="karin@example.se", to=USER, subject="Var är mitt paket?"))
    result = poll_one(shop)
    assert (result.new, result.error) == (1, ""), result
    case = Case.objects.get(shop=shop, subject="Var är mitt paket?")
    assert "method=XOAUTH2" in dovecot.log_text()

    # SMTP: test, save, and the agent's answer goes out signed in with XOAUTH2.
    smtp = {
        "smtp-host": xoauth_smtp.host,
        "smtp-port": xoauth_smtp.port,
        "smtp-security": "none",
        "smtp-sign_in": "oauth2",
        "smtp-username": "",
        "smtp-password": "",
        "smtp-enabled": "on",
    }
    settings_url = reverse("settings:email", args=[shop.slug])
    assert 'data-code="ok"' in text(admin.post(settings_url, {**smtp, "action": "smtp_test"}))
    assert admin.post(settings_url, {**smtp, "action": "smtp_save"}).status_code == 302
    services.reply(case, AgentFactory(shops=[shop]), "Hej Karin! Paketet är på väg.")
    row = OutboundEmail.objects.get(case=case, kind="reply")
    assert outbox.send(row.pk) == "sent"
    assert xoauth_smtp.received[-1].rcpt_tos == ["karin@example.se"]
    assert xoauth_smtp.logins[-1] == USER  # the account from the ID token


def test_the_token_is_refreshed_before_it_expires_and_a_rotated_refresh_token_is_kept(
    admin,
    shop,
    provider,  # noqa: F811
    dovecot,
    xoauth_smtp,  # noqa: F811
    time_machine,
):
    connect(admin, shop, provider)
    first = OAuthConnection.objects.get(shop=shop)
    oauth_mailbox(shop, dovecot)
    assert poll_one(shop).error == ""
    assert provider.refreshes == 0  # a fresh token is used as it is
    time_machine.move_to(T0 + timedelta(minutes=56), tick=True)  # 4 minutes left: refresh
    dovecot.append(mail(subject="Efter en timme"))
    assert poll_one(shop).new == 1
    now = OAuthConnection.objects.get(shop=shop)
    assert provider.refreshes == 1
    assert now.access_token != first.access_token and now.refresh_token != first.refresh_token
    assert first.refresh_token not in provider.refresh_tokens  # rotated: the old one is dead
    assert now.expires_at > timezone.now() + timedelta(minutes=50)
    refresh = provider.token_requests[-1]
    assert (refresh["grant_type"], refresh["client_secret"]) == ("refresh_token", CLIENT_SECRET)


def test_a_token_the_server_refuses_is_refreshed_and_tried_once_more(
    admin,
    shop,
    provider,  # noqa: F811
    dovecot,
    xoauth_smtp,  # noqa: F811
):
    connect(admin, shop, provider)
    oauth_mailbox(shop, dovecot)
    oauth_smtp(shop, xoauth_smtp)
    provider.revoke_access_tokens()  # not expired by the clock, but no longer valid
    assert poll_one(shop).error == ""
    assert provider.refreshes == 1
    provider.revoke_access_tokens()
    outcome = probe.test_smtp(
        xoauth_smtp.host, xoauth_smtp.port, "none", "", "", oauth_shop=shop.pk
    )
    assert outcome.ok, outcome
    assert (provider.refreshes, xoauth_smtp.refused_tokens) == (2, 1)


def test_a_refused_refresh_asks_the_owner_to_connect_again(
    admin,
    shop,
    provider,  # noqa: F811
    dovecot,
    xoauth_smtp,  # noqa: F811
    time_machine,
):
    connect(admin, shop, provider)
    oauth_mailbox(shop, dovecot)
    oauth_smtp(shop, xoauth_smtp)
    provider.revoke_everything()  # the tenant's admin removed the app's consent
    time_machine.move_to(T0 + timedelta(hours=2), tick=True)
    result = poll_one(shop)
    assert "invalid_grant" in result.error, result
    conn = OAuthConnection.objects.get(shop=shop)
    assert conn.status == OAuthStatus.RECONNECT and "AADSTS50173" in conn.last_error
    assert "invalid_grant" in Mailbox.objects.get(shop=shop).last_error
    page = text(admin.get(reverse("settings:email", args=[shop.slug])))
    assert 'data-status="reconnect"' in page and "Needs to be connected again" in page
    assert "AADSTS50173" in page
    smtp = probe.test_smtp(xoauth_smtp.host, xoauth_smtp.port, "none", "", "", oauth_shop=shop.pk)
    assert (smtp.ok, smtp.code) == (False, "oauth")
    assert provider.refreshes == 0  # nothing more asked of the provider once it said no
    assert Client().get("/healthz").json()["mail_sign_ins_to_reconnect"] == 1
    # Connecting again brings it back.
    provider.revoke_everything()
    assert "Connected as" in text(connect(admin, shop, provider))
    assert poll_one(shop).error == ""


# -- what goes wrong on the way in ---------------------------------------------------------
def test_refused_consent_is_shown_with_the_providers_words(admin, shop, provider):  # noqa: F811
    provider.deny = True
    page = text(connect(admin, shop, provider))
    assert "Access was not granted" in page
    assert "access_denied" in page and "AADSTS65004" in page
    assert OAuthConnection.objects.get(shop=shop).status == OAuthStatus.NEW


def test_a_token_endpoint_error_is_shown_with_the_providers_words(admin, shop, provider):  # noqa: F811
    page = text(connect(admin, shop, provider, **{"oauth-client_secret": "fel-nyckel"}))
    assert "The token endpoint refused the sign-in" in page
    assert "invalid_client" in page and "Bad client secret." in page
    conn = OAuthConnection.objects.get(shop=shop)
    assert conn.status == OAuthStatus.NEW and not conn.access_token


def test_a_forged_replayed_or_late_state_is_refused(admin, shop, provider, time_machine):  # noqa: F811
    admin.post(reverse("settings:email", args=[shop.slug]), oauth_form(provider))
    connect_url = reverse("settings:email_oauth_connect", args=[shop.slug])
    back = provider_redirects_back(admin.post(connect_url).url)
    query = dict(urllib.parse.parse_qsl(back.split("?", 1)[1]))
    callback = reverse("settings:email_oauth_callback")
    state = query["state"]
    forged = {**query, "state": state[:-2] + ("xx" if not state.endswith("xx") else "yy")}
    assert "not for a sign-in started here" in text(admin.get(callback, forged, follow=True))
    # Another admin of the same shop cannot finish this admin's sign-in.
    other = english(admin_client(shop))
    assert "started by someone else" in text(other.get(callback, query, follow=True))
    # Late: the state expires.
    time_machine.move_to(T0 + timedelta(minutes=20), tick=True)
    assert "took too long" in text(admin.get(callback, query, follow=True))
    assert OAuthConnection.objects.get(shop=shop).status == OAuthStatus.NEW
    # Once used, a state is gone (the verifier left the session).
    fresh = provider_redirects_back(admin.post(connect_url).url)
    assert "Connected as" in text(admin.get(fresh, follow=True))
    assert "started by someone else" in text(admin.get(fresh, follow=True))


def test_only_the_shops_admin_connects_and_only_with_the_csrf_token(shop, provider):  # noqa: F811
    OAuthConnection.objects.create(shop=shop, provider="custom", client_id=CLIENT_ID)
    url = reverse("settings:email_oauth_connect", args=[shop.slug])
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    client = Client()
    client.force_login(agent)
    assert client.post(url).status_code == 403
    stranger = admin_client(ShopFactory())
    assert stranger.post(url).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    admin = AgentFactory()
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    strict.force_login(admin)
    assert strict.post(url).status_code == 403
    assert client.get(url).status_code == 405


# -- the presets ------------------------------------------------------------------------------
def test_microsoft_and_google_presets_and_the_secret_from_the_environment(shop, settings, rf):
    settings.MAIL_OAUTH_CLIENT_SECRETS = {"microsoft": "fran-miljon", "google": ""}
    conn = OAuthConnection.objects.create(
        shop=shop, provider="microsoft", tenant="contoso.onmicrosoft.com", client_id="app"
    )
    request = rf.get("/")
    request.session = {}
    request.user = AgentFactory()
    url = urllib.parse.urlsplit(oauth.authorize_url(request, conn))
    query = dict(urllib.parse.parse_qsl(url.query))
    assert url.netloc == "login.microsoftonline.com"
    assert url.path == "/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
    assert oauth.endpoints(conn).token_url == (
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    )
    assert {
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    } <= set(query["scope"].split())
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"].endswith("/settings/email-oauth/callback/")
    assert oauth.client_secret(conn) == "fran-miljon"
    conn.provider = "google"
    google = urllib.parse.urlsplit(oauth.authorize_url(request, conn))
    query = dict(urllib.parse.parse_qsl(google.query))
    assert google.netloc == "accounts.google.com" and query["access_type"] == "offline"
    assert "https://mail.google.com/" in query["scope"].split()
    assert oauth.endpoints(conn).token_url == "https://oauth2.googleapis.com/token"
    assert oauth.client_secret(conn) == ""


def test_xoauth2_string_is_as_the_providers_document_it():
    assert oauth.sasl("a@b.se", "tok") == "user=a@b.se\x01auth=Bearer tok\x01\x01"


def test_the_sign_in_card_speaks_swedish(admin, shop):
    OAuthConnection.objects.create(
        shop=shop, provider="microsoft", client_id=CLIENT_ID, status=OAuthStatus.RECONNECT
    )
    # The admin reads Swedish, as agents do by default.
    for membership in Membership.objects.filter(shop=shop).select_related("agent"):
        membership.agent.language = "sv"
        membership.agent.save(update_fields=["language"])
    page = text(admin.get(reverse("settings:email", args=[shop.slug])))
    assert "Inloggning med Microsoft 365 eller Google Workspace (OAuth2)" in page
    assert "Anslut med Microsoft" in page and "Behöver anslutas igen" in page
    assert "Omdirigerings-URI att registrera" in page


def test_two_workers_refreshing_at_once_do_not_end_the_sign_in(admin, shop, provider):  # noqa: F811
    connect(admin, shop, provider)
    stale = OAuthConnection.objects.get(shop=shop)  # read before the other worker refreshed
    oauth.refresh(OAuthConnection.objects.get(shop=shop))  # rotates the refresh token away
    got = oauth.refresh(stale)  # invalid_grant for the old refresh token …
    assert got.status == OAuthStatus.CONNECTED and provider.valid(got.access_token)
    assert OAuthConnection.objects.get(shop=shop).status == OAuthStatus.CONNECTED  # … not over
