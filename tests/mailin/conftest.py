"""A real IMAP server for the mail intake tests: Debian's dovecot (apt install dovecot-imapd), run
from a configuration of its own in a temporary directory, on a free port of 127.0.0.1.

One server per test process (each pytest-xdist worker starts its own, on its own port), and one
fresh account per test, so tests never see each other's messages. Without dovecot the tests are
skipped, unless CI_REQUIRE_SERVICES=1 (.ci/run), where a missing server is an error.
"""

from __future__ import annotations

import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mailin.imap import Mailbox, mailbox_name

DOVECOT = Path(shutil.which("dovecot") or "/usr/sbin/dovecot")
HOST = "127.0.0.1"
# Quotes, a backslash and spaces: what LOGIN must quote, and a URL percent-encode.
PASSWORD = 'correct "horse" \\ battery staple'
# Accounts per server, one per test that asks for a mailbox.
ACCOUNTS = 200


class Dovecot:
    """One dovecot process and its directory: configuration, accounts, mail, sockets and log."""

    def __init__(self, *, settings: str = ""):
        self.settings = settings
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))  # short: socket paths have a limit
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._accounts = itertools.count(1)

    def start(self) -> None:
        internal, login, mail = _process_users()
        home = self.root / "home"
        home.mkdir()
        # All written before the start: dovecot looks for changes to the file at most once a second.
        (self.root / "users").write_text("".join(f"user{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, ACCOUNTS + 1)))
        if os.geteuid() == 0:
            # The mail processes run as the mail user, who must reach and own its home.
            self.root.chmod(0o755)
            os.chown(home, mail.pw_uid, mail.pw_gid)
        for _attempt in range(3):
            self.port = _free_port()
            (self.root / "dovecot.conf").write_text(self._configuration(internal, login, mail))
            output = (self.root / "output.log").open("ab")
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", self.root / "dovecot.conf"], stdout=output, stderr=subprocess.STDOUT
            )
            output.close()
            if self._wait_for_greeting(deadline=time.monotonic() + 10):
                return
            exited = self.process.poll() is not None
            self.stop(remove=False)
            if not exited:
                break  # Running but not answering: another try would not do better.
            # Exited: most likely another process took the port between our probe and dovecot's bind.
        raise RuntimeError(f"dovecot did not start:\n{self.log()}")

    def terminate(self) -> None:
        """Asks dovecot to stop (it takes about a second), without waiting."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def stop(self, *, remove: bool = True) -> None:
        self.terminate()
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def add_account(self) -> ImapServer:
        """An account not used yet: its mailbox is empty."""
        number = next(self._accounts)
        if number > ACCOUNTS:
            raise RuntimeError(f"all {ACCOUNTS} accounts of the test dovecot are used: raise ACCOUNTS")
        return ImapServer(host=HOST, port=self.port, user=f"user{number}", password=PASSWORD)

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.root / "output.log", self.root / "dovecot.log")
            if path.exists()
        )

    def _wait_for_greeting(self, *, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as conn:
                    if conn.recv(100).startswith(b"* OK"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _configuration(self, internal: str, login: str, mail: pwd.struct_passwd) -> str:
        root = self.root
        # chroot() needs root: without it the login and anvil processes run unconfined.
        chroot = "" if os.geteuid() == 0 else "chroot ="
        common = f"""\
protocols = imap
listen = {HOST}
ssl = no
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {mail.pw_uid}
# A wrong password is answered at once (the suite has one), not after the usual 2 seconds.
auth_failure_delay = 0
service anvil {{
  {chroot}
}}
service imap-login {{
  {chroot}
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{self.settings}
"""
        if _dovecot_version() < (2, 4):
            return f"""\
{common}
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={root}/home/%u
}}
"""
        # Dovecot 2.4 (Debian 13) renamed and regrouped these; written from its upgrade guide.
        return f"""\
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ~/Maildir
namespace inbox {{
  inbox = yes
}}
passdb passwd-file {{
  passwd_file_path = {root}/users
}}
userdb static {{
  fields {{
    uid = {mail.pw_uid}
    gid = {mail.pw_gid}
    home = {root}/home/%{{user}}
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    """One account on the test server, and a client's view of its folders."""

    host: str
    port: int
    user: str
    password: str

    def mailbox(self, **fields) -> Mailbox:
        """The Mailbox that ``poll`` takes, with any of its fields changed."""
        account = {"host": self.host, "port": self.port, "user": self.user, "password": self.password, "ssl": False}
        return Mailbox(**account | fields)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.session() as conn:
            _ok(conn.append(mailbox_name(folder), None, None, raw))

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The folder's messages, oldest first, fetched without marking them read."""
        with self.session() as conn:
            _ok(conn.select(mailbox_name(folder), readonly=True))
            (found,) = _ok(conn.uid("SEARCH", "ALL"))
            return [_ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"))[0][1] for uid in sorted(found.split(), key=int)]

    def unseen(self, folder: str = "INBOX") -> int:
        """How many messages of the folder have not been marked read."""
        with self.session() as conn:
            _ok(conn.select(mailbox_name(folder), readonly=True))
            (found,) = _ok(conn.uid("SEARCH", "UNSEEN"))
            return len(found.split())

    def folders(self) -> set[str]:
        """The folders' names as the server spells them (modified UTF-7 for non-ASCII)."""
        with self.session() as conn:
            listed = _ok(conn.list())
        return {re.search(rb'"[^"]*" "?(.*?)"?$', line).group(1).decode("ascii") for line in listed}

    @contextmanager
    def session(self) -> Iterator[imaplib.IMAP4]:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            _ok(conn.login(self.user, self.password))
            yield conn
        finally:
            conn.logout()


def _ok(response: tuple[str, list]) -> list:
    status, data = response
    assert status == "OK", data
    return data


def _process_users() -> tuple[str, str, pwd.struct_passwd]:
    """Who dovecot's processes run as: (internal user, login user, mail user)."""
    if os.geteuid() != 0:
        # Not root: dovecot cannot switch users, so every process is the one running the tests.
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me
    # As root (CI) dovecot refuses root for its login processes ("This process must not be run as
    # root") and for mail ("userdb returned 0 as uid"): the users Debian's package creates.
    try:
        return "dovecot", "dovenull", pwd.getpwnam("dovecot")
    except KeyError:
        raise RuntimeError("dovecot runs as root only with the users dovecot and dovenull of its package") from None


def _dovecot_version() -> tuple[int, int]:
    output = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = re.match(r"(\d+)\.(\d+)", output).groups()
    return int(major), int(minor)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def start_dovecot() -> Iterator[Callable[..., Dovecot]]:
    """Starts a dovecot with extra settings (``imap_capability = …``); all stop at the end."""
    if not DOVECOT.exists():
        message = "dovecot is not installed: apt install dovecot-imapd"
        if os.environ.get("CI_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (CI_REQUIRE_SERVICES=1: the IMAP tests must run)")
        pytest.skip(message)
    started: list[Dovecot] = []

    def start(*, settings: str = "") -> Dovecot:
        server = Dovecot(settings=settings)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.terminate()
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def dovecot(start_dovecot) -> Dovecot:
    return start_dovecot()


@pytest.fixture
def imap_server(dovecot) -> ImapServer:
    """A fresh account (empty INBOX, no other folder) on this process's dovecot."""
    return dovecot.add_account()
