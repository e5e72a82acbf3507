""" "Test connection" for the mail settings pages: connect to an IMAP or SMTP server with
the settings a shop typed in and say exactly what went wrong, in words an owner can act
on: the name does not resolve (DNS), nothing listens there, the TLS handshake or the
certificate failed, the server refused the user name and password, the folder does not
exist. Nothing is fetched, moved or sent: the IMAP test only logs in and looks at the
folders, the SMTP test logs in (when a user is given) and says QUIT."""

import imaplib
import smtplib
import socket
import ssl
from dataclasses import dataclass

from django.utils.translation import gettext as _
from imap_tools.errors import ImapToolsError, MailboxLoginError

from . import imap, oauth
from .models import Mailbox, SmtpSecurity

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Outcome:
    ok: bool
    code: str  # ok, dns, refused, timeout, tls, auth, folder, starttls, protocol
    message: str  # for people, translated
    detail: str = ""  # the server's or the library's own words

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


def test_imap(mailbox: Mailbox) -> Outcome:
    """Log in to the mailbox's server and check its folder (and move-to folder) exist."""
    host = f"{mailbox.host}:{mailbox.port}"
    network = _network_failure(mailbox.host, mailbox.port)
    if network:
        return network
    try:
        box = imap._connect(mailbox)
    except oauth.OAuthError as error:
        return _oauth(error)
    except (MailboxLoginError, imaplib.IMAP4.error) as error:
        if _is_tls_error(error):
            return _tls(host, error)
        return Outcome(False, "auth", _("The server refused the user name or password."), _d(error))
    except ssl.SSLError as error:
        return _tls(host, error)
    except (OSError, ImapToolsError) as error:
        return _connection_failure(host, error)
    try:
        missing = [
            name
            for name in (mailbox.folder, mailbox.move_to)
            if name and not box.folder.exists(imap._server_name(box, name))
        ]
        if mailbox.folder in missing:
            folders = ", ".join(sorted(f.name for f in box.folder.list()))[:500]
            return Outcome(
                False,
                "folder",
                _("Logged in, but there is no folder %(folder)s.") % {"folder": mailbox.folder},
                _("Folders: %(folders)s") % {"folders": folders},
            )
        box.folder.status(imap._server_name(box, mailbox.folder), ["MESSAGES"])
    finally:
        imap._logout(box)
    note = ""
    if mailbox.move_to in missing:
        note = _("The folder %(folder)s will be created at the first poll.") % {
            "folder": mailbox.move_to
        }
    return Outcome(
        True,
        "ok",
        _("Connected and logged in; the folder %(folder)s is there.") % {"folder": mailbox.folder},
        note,
    )


def test_smtp(
    host: str,
    port: int,
    security: str,
    username: str,
    password: str,
    *,
    oauth_shop: int | None = None,
) -> Outcome:
    """Connect, start TLS as configured, log in if a user is given (with XOAUTH2 as the
    shop's connected account when `oauth_shop` is given), and QUIT."""
    where = f"{host}:{port}"
    network = _network_failure(host, port)
    if network:
        return network
    context = ssl.create_default_context()
    try:
        if security == SmtpSecurity.TLS:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    except ssl.SSLError as error:
        return _tls(where, error)
    except (OSError, smtplib.SMTPException) as error:
        return _connection_failure(where, error)
    try:
        server.ehlo()
        if security == SmtpSecurity.STARTTLS:
            if not server.has_extn("starttls"):
                return Outcome(
                    False,
                    "starttls",
                    _(
                        "The server does not offer STARTTLS. Choose TLS (port 465) or ask your "
                        "mail provider."
                    ),
                )
            server.starttls(context=context)
            server.ehlo()
        if username or oauth_shop:
            if not server.has_extn("auth"):
                return Outcome(
                    False, "auth", _("The server does not accept a login (no AUTH offered).")
                )
            if oauth_shop:
                oauth.smtp_login(server, oauth_shop, username)
            else:
                server.login(username, password)
    except oauth.OAuthError as error:
        return _oauth(error)
    except smtplib.SMTPAuthenticationError as error:
        return Outcome(False, "auth", _("The server refused the user name or password."), _d(error))
    except UnicodeEncodeError as error:
        # smtplib (and so the sending) encodes AUTH as ASCII: say so before mail waits.
        return Outcome(
            False,
            "auth",
            _(
                "SMTP login cannot use letters such as å, ä, ö in the user name or password. "
                "Choose a password without them."
            ),
            _d(error),
        )
    except ssl.SSLError as error:
        return _tls(where, error)
    except (OSError, smtplib.SMTPException) as error:
        return _connection_failure(where, error)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return Outcome(True, "ok", _("Connected to %(host)s and logged in.") % {"host": where})


def _oauth(error: oauth.OAuthError) -> Outcome:
    return Outcome(
        False,
        "oauth",
        _("No valid OAuth2 sign-in for this mailbox: connect it on Settings → Email."),
        str(error)[:500],
    )


def _network_failure(host: str, port: int) -> Outcome | None:
    """DNS first, so a typo in the name is not reported as "refused"."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        return Outcome(
            False, "dns", _("The name %(host)s cannot be found (DNS).") % {"host": host}, _d(error)
        )
    return None


def _connection_failure(where: str, error: BaseException) -> Outcome:
    if isinstance(error, ssl.SSLError) or _is_tls_error(error):
        return _tls(where, error)
    if isinstance(error, ConnectionRefusedError):
        return Outcome(
            False,
            "refused",
            _("Nothing answers at %(host)s: check the server name and the port.") % {"host": where},
            _d(error),
        )
    if isinstance(error, TimeoutError | socket.timeout):
        return Outcome(
            False,
            "timeout",
            _("%(host)s did not answer in time (a firewall, or the wrong port).") % {"host": where},
            _d(error),
        )
    return Outcome(
        False, "protocol", _("The connection to %(host)s failed.") % {"host": where}, _d(error)
    )


def _tls(where: str, error: BaseException) -> Outcome:
    if isinstance(error, ssl.SSLCertVerificationError):
        message = _("The certificate of %(host)s is not valid for that name or not trusted.")
    else:
        message = _(
            "The encrypted connection (TLS) to %(host)s failed: is this the right port for "
            "the encryption chosen?"
        )
    return Outcome(False, "tls", message % {"host": where}, _d(error))


def _is_tls_error(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, ssl.SSLError) or any(
        word in text for word in ("ssl", "starttls", "wrong version number")
    )


def _d(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]
