"""A throwaway Dovecot IMAP server for tests (Debian's dovecot-imapd).

    with running_dovecot(tmp_path) as server:
        server.append(raw_bytes)
        server.restart()        # every client connection drops, the mail stays

Plain IMAP on 127.0.0.1 and a free port, `ssl = no`, plaintext LOGIN allowed, one user
in a passwd-file with a {PLAIN} password, maildir storage. The config and the log are
written to the test's tmp_path (`server.log_text()` shows the log when a test fails):
the master and the log process run as root and read/write them there.

Running as root (CI does): Dovecot refuses mail access as uid 0, so the mail user is
`nobody` (uid 65534): the maildir lives in a fresh `mkdtemp()` directory under /tmp,
chowned to that uid. It cannot live under tmp_path, because pytest makes
/tmp/pytest-of-root mode 0700 and `nobody` could not reach it. For the same reason the
passwd-file is there too (the auth process reads it as user `dovecot`), and so are
the runtime sockets (base_dir), which also need a short path: unix socket paths are
limited to 108 bytes, and tmp_path names can be longer than that. Dovecot's own
`dovecot` and `dovenull` system users (created by the Debian package) run its internal
and login processes.

Running as an ordinary user: everything runs as that user (Dovecot's "rootless"
setup: default_internal_user/default_login_user = you, no chroot for the login process).

Stopping kills the whole process group Dovecot started in (master, login, imap and
auth processes). A plain SIGTERM to the master leaves running imap sessions serving
their clients, so it would not drop connections the way a server restart or crash does.
"""

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

USER = "kundtjanst@butik.example"
PASSWORD = "hemligt-lösen-123"  # non-ASCII on purpose: the poller must log in with it
START_TIMEOUT = 10.0


def dovecot_binary() -> str | None:
    """The dovecot binary; /usr/sbin is not on an ordinary user's PATH."""
    return shutil.which(
        "dovecot",
        path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"]),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(
        self,
        config_dir: Path,
        *,
        user: str = USER,
        password: str = PASSWORD,
        introspection_url: str = "",
    ):
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is not installed (apt-get install -y dovecot-imapd)")
        self.binary = binary
        self.host = "127.0.0.1"
        self.port = free_port()
        self.user = user
        self.password = password
        # With an introspection URL, XOAUTH2 logins are checked there (Dovecot's oauth2
        # passdb, RFC 7662 token introspection by POST); LOGIN/PLAIN stay for the test's client.
        self.introspection_url = introspection_url
        self.config_dir = Path(config_dir)
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.config = self.config_dir / "dovecot.conf"
        self.log = self.config_dir / "dovecot.log"
        self.runtime = Path(tempfile.mkdtemp(prefix="kdv-"))
        self.runtime.chmod(0o755)  # login and mail processes must reach their sockets
        self.process: subprocess.Popen | None = None
        self._write_config()

    # -- configuration ---------------------------------------------------------------

    def _write_config(self) -> None:
        base_dir, state_dir, mail_root = (self.runtime / n for n in ("run", "state", "mail"))
        for directory in (base_dir, state_dir, mail_root):
            directory.mkdir()
        if os.geteuid() == 0:
            mail_uid, mail_gid = _nobody()
            os.chown(mail_root, mail_uid, mail_gid)
            users = ""  # Debian's defaults: dovecot (internal) and dovenull (login)
            first_valid_uid = min(mail_uid, 100)
        else:
            mail_uid, mail_gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            users = (
                f"default_internal_user = {me}\ndefault_internal_group = {group}\n"
                f"default_login_user = {me}\n"
                "service anvil {\n  chroot =\n}\n"
                "service imap-login {\n  chroot =\n}\n"
            )
            first_valid_uid = mail_uid
        home = mail_root / self.user
        passwd = self.runtime / "passwd"  # read by the auth process, user `dovecot`
        # user:password:uid:gid:gecos:home:shell:extra
        passwd.write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{mail_uid}:{mail_gid}::{home}::\n",
            encoding="utf-8",
        )
        passwd.chmod(0o644)
        self.config.write_text(
            f"""\
# Written by kundsvar/channels/email/tests/dovecot.py for one test; Dovecot 2.3 syntax.
protocols = imap
listen = {self.host}
base_dir = {base_dir}
state_dir = {state_dir}
log_path = {self.log}
info_log_path = {self.log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.introspection_url else ""}
auth_failure_delay = 0
first_valid_uid = {first_valid_uid}
first_valid_gid = {min(mail_gid, first_valid_uid)}
mail_location = maildir:~/Maildir
{_faketime_environment()}{users}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {passwd}
}}
{self._oauth2_passdb()}userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""",
            encoding="utf-8",
        )

    def _oauth2_passdb(self) -> str:
        if not self.introspection_url:
            return ""
        conf = self.runtime / "oauth2.conf.ext"  # read by the auth process, user `dovecot`
        conf.write_text(
            f"introspection_mode = post\n"
            f"introspection_url = {self.introspection_url}\n"
            "username_attribute = username\n"
            "active_attribute = active\n"
            "active_value = true\n",
            encoding="utf-8",
        )
        conf.chmod(0o644)
        return (
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {conf}\n}}\n"
        )

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        if self.process is not None:
            return
        # Own session and process group, so stop() reaches every Dovecot process.
        self.process = subprocess.Popen(  # noqa: S603 — our binary, our config
            [self.binary, "-c", str(self.config), "-F"],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace")
                self.process = None
                raise RuntimeError(f"dovecot exited at start: {stderr}\n{self.log_text()}")
            if self._greets():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}\n{self.log_text()}")

    def _greets(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as probe:
                return probe.recv(100).startswith(b"* OK")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop like a crash or a restart: every client connection drops."""
        if self.process is None:
            return
        process, self.process = self.process, None
        pgid = process.pid  # start_new_session: the master leads its own group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            process.wait(timeout=5)
        # Children (imap, auth, log) may outlive the master for a moment.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        process.stderr.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.runtime, ignore_errors=True)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    # -- a client for the test's side of the mailbox -------------------------------------

    def client(self, folder: str | None = "INBOX") -> MailBoxUnencrypted:
        """A logged-in imap-tools client (use it in a `with` block)."""
        box = MailBoxUnencrypted(self.host, self.port, timeout=10)
        return box.login_utf8(self.user, self.password, initial_folder=folder)

    def append(
        self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = (), arrived=None
    ) -> int:
        """Append one message as another mail client would; returns its UID. `arrived`
        (an aware datetime) sets the server's INTERNALDATE."""
        with self.client(folder=None) as box:
            if not box.folder.exists(folder):
                box.folder.create(folder)
            _, data = box.append(raw, folder, dt=arrived, flag_set=list(flags))
        # b'[APPENDUID <uidvalidity> <uid>] Append completed.'
        return int(data[0].split(b"]")[0].split()[-1])


def _faketime_environment() -> str:
    """Under Debian's faketime (.ci/run moves the clock of the whole test run) Dovecot's
    imap processes must see the test's clock too, or INTERNALDATE and "now" disagree; Dovecot
    clears its children's environment unless told to keep a variable."""
    if "FAKETIME" not in os.environ:
        return ""
    names = [
        name
        for name in os.environ
        if name in ("LD_PRELOAD", "NO_FAKE_STAT") or name.startswith("FAKETIME")
    ]
    return f"import_environment = $import_environment {' '.join(names)}\n"


def _nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


@contextlib.contextmanager
def running_dovecot(config_dir: Path, **kwargs) -> Iterator[Dovecot]:
    server = Dovecot(config_dir, **kwargs)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


def require_dovecot() -> None:
    """Skip (only) when the binary is absent; any other failure is a real failure."""
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed: apt-get install -y dovecot-imapd")


@pytest.fixture
def dovecot(tmp_path) -> Iterator[Dovecot]:
    """A running Dovecot for one test. Import it into a test module to use it."""
    require_dovecot()
    with running_dovecot(tmp_path / "dovecot") as server:
        yield server
