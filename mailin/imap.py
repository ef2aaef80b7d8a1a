"""Polling an IMAP mailbox: each message still in the folder is handed to a delivery, then moved.

What is left in the folder is what has not been delivered yet: a message whose delivery fails
stays where it is and is tried again on the next poll; one delivered is moved to the processed
folder. A message is fetched with ``BODY.PEEK[]`` so that polling never marks it read.

The guarantee is at least once: if the connection drops after a delivery and before the move,
the next poll delivers that message again, so the delivery must recognise a message it has seen
(its Message-ID). Two polls of one mailbox at the same time would deliver a message twice too:
the caller runs one at a time.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"imap": 143, "imaps": 993}


class MailboxUnavailable(Exception):
    """The mailbox could not be reached, logged into or worked on. The message says which and
    why, and never holds the password."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    ssl: bool
    folder: str = "INBOX"
    processed: str = "Processed"

    def __post_init__(self):
        if self.folder == self.processed:
            # Moving a message into the folder it came from would deliver it again on every poll.
            raise ValueError(f"the processed folder must differ from the folder polled ({self.folder!r})")

    def __str__(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass(frozen=True)
class PollResult:
    fetched: int
    delivered: int
    failed: int


def mailbox_from_url(url: str, *, folder: str | None = None, processed: str | None = None) -> Mailbox:
    """``imap://user:password@host:143/INBOX`` or ``imaps://user:password@host:993/``.

    User and password are percent-decoded. The URL's path, when there is one, names the folder;
    ``folder`` and ``processed`` are used for what the URL does not say. Error messages never
    repeat the URL, which holds the password.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("an IMAP URL starts with imap:// or imaps://" + (f", not {scheme}://" if scheme else ""))
    if not parts.hostname:
        raise ValueError("the IMAP URL names no host (imap://user:password@host/)")
    if not parts.username:
        raise ValueError("the IMAP URL names no user (imap://user:password@host/)")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        # Not urllib's message: a password with an unencoded "/" would be quoted in it as the port.
        raise ValueError("the IMAP URL has an invalid port (percent-encode / : @ in the password)") from None
    return Mailbox(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        ssl=scheme == "imaps",
        folder=unquote(parts.path.strip("/")) or folder or "INBOX",
        processed=processed or "Processed",
    )


def poll(mailbox: Mailbox, deliver: Callable[[bytes], object], *, limit: int = 200, timeout: float = 30) -> PollResult:
    """Hand the ``limit`` oldest messages of the folder to ``deliver`` (the raw message, bytes)
    and move each one it returns from to the processed folder. A message whose delivery raises is
    logged, counted in ``failed`` and left in the folder for the next poll.

    Raises MailboxUnavailable when the server cannot be reached or refuses the login, the folder
    cannot be opened, or a command fails on the way (the poll stops there; what was moved stays
    moved).
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    with _errors(mailbox, "connecting"):
        if mailbox.ssl:
            conn = imaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        else:
            conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    try:
        if not (mailbox.user + mailbox.password).isascii():
            raise MailboxUnavailable(f"IMAP {mailbox}: LOGIN takes an ASCII user name and password only")
        with _errors(mailbox, "logging in"):
            conn.login(_quoted(mailbox.user), mailbox.password)
        return _poll_folder(conn, mailbox, deliver, limit)
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # The connection is gone already; there is nothing left to close.


def poll_configured(deliver: Callable[[bytes], object]) -> PollResult | None:
    """Poll the mailbox of INBOUND_IMAP_URL (see ``poll``); None, doing nothing, when it is empty."""
    if not settings.INBOUND_IMAP_URL:
        return None
    mailbox = mailbox_from_url(
        settings.INBOUND_IMAP_URL,
        folder=settings.INBOUND_IMAP_FOLDER,
        processed=settings.INBOUND_IMAP_PROCESSED_FOLDER,
    )
    return poll(mailbox, deliver)


def _poll_folder(conn: imaplib.IMAP4, mailbox: Mailbox, deliver: Callable[[bytes], object], limit: int) -> PollResult:
    with _errors(mailbox, "reading the capabilities"):
        # The capabilities before login are not the ones after it (MOVE, UIDPLUS): ask again.
        capabilities = set(b" ".join(_ok(conn.capability())).decode("ascii", "replace").upper().split())
    with _errors(mailbox, f"creating the folder {mailbox.processed!r}"):
        if not any(_ok(conn.list('""', mailbox_name(mailbox.processed)))):
            _ok(conn.create(mailbox_name(mailbox.processed)))
    with _errors(mailbox, f"opening the folder {mailbox.folder!r}"):
        _ok(conn.select(mailbox_name(mailbox.folder)))
    with _errors(mailbox, "searching the folder"):
        found = b" ".join(_ok(conn.uid("SEARCH", "ALL")))
    # UIDs grow as messages arrive: the lowest are the oldest.
    uids = sorted(int(uid) for uid in found.split())[:limit]
    fetched = delivered = failed = 0
    for uid in uids:
        with _errors(mailbox, f"fetching message UID {uid}"):
            raw = _message_bytes(_ok(conn.uid("FETCH", str(uid), "(BODY.PEEK[])")))
        if raw is None:
            continue  # Gone since the search (another client moved or expunged it).
        fetched += 1
        try:
            deliver(raw)
        except Exception:
            logger.exception("Delivering message UID %s of %s failed; it stays there for the next poll", uid, mailbox)
            failed += 1
            continue
        with _errors(mailbox, f"moving message UID {uid} to {mailbox.processed!r}"):
            _move(conn, str(uid), mailbox_name(mailbox.processed), capabilities)
        delivered += 1
    logger.info("Polled %s: %s fetched, %s delivered, %s failed", mailbox, fetched, delivered, failed)
    return PollResult(fetched=fetched, delivered=delivered, failed=failed)


def _move(conn: imaplib.IMAP4, uid: str, destination: str, capabilities: set[str]) -> None:
    if "MOVE" in capabilities:
        _ok(conn.uid("MOVE", uid, destination))
        return
    _ok(conn.uid("COPY", uid, destination))
    _ok(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
    if "UIDPLUS" in capabilities:
        _ok(conn.uid("EXPUNGE", uid))
    else:
        # Without UIDPLUS, EXPUNGE takes every message marked deleted in the folder, not just this one.
        _ok(conn.expunge())


def _message_bytes(data: list) -> bytes | None:
    """The literal of a FETCH response: ``[(b'1 (UID 1 BODY[] {21}', b'...'), b')']``."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and b"BODY[]" in item[0].upper():
            return item[1]
    return None


def _ok(response: tuple[str, list]) -> list:
    status, data = response
    if status != "OK":
        detail = b" ".join(part for part in data if isinstance(part, bytes)).decode("utf-8", "replace")
        raise imaplib.IMAP4.error(f"{status} {detail}".strip())
    return [part for part in data if part is not None]


@contextmanager
def _errors(mailbox: Mailbox, doing: str) -> Iterator[None]:
    """imaplib's and the network's errors as MailboxUnavailable, saying what was being done."""
    try:
        yield
    except (imaplib.IMAP4.error, OSError) as err:
        # imaplib raises with the server's reply as bytes: b'[AUTHENTICATIONFAILED] Authentication failed.'
        reply = err.args[0] if len(err.args) == 1 else None
        detail = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(err)
        if mailbox.password:
            detail = detail.replace(mailbox.password, "********")
        # No chained cause: a server that repeated the password in its reply would show it there.
        raise MailboxUnavailable(f"IMAP {mailbox}: {doing} failed: {detail}") from None


def mailbox_name(name: str) -> str:
    """A folder's name as an IMAP command takes it: quoted, non-ASCII in modified UTF-7."""
    return _quoted(_modified_utf7(name))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _modified_utf7(name: str) -> str:
    """RFC 3501 5.1.3: printable ASCII as itself (``&`` as ``&-``), the rest as ``&<base64>-``
    of UTF-16 with ``,`` for ``/``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=").replace(b"/", b",")
            out.append(f"&{encoded.decode('ascii')}-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)
