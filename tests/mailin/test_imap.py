"""Polling an IMAP mailbox, against a real dovecot (conftest.py): what is delivered is moved to the
processed folder, what fails stays for the next poll."""

import logging
import socket
from urllib.parse import quote

import pytest

from mailin.imap import Mailbox, MailboxUnavailable, PollResult, mailbox_from_url, mailbox_name, poll, poll_configured


def message(subject: str) -> bytes:
    return (
        "From: Noc <noc@customer.example>\r\n"
        "To: support@portal.localhost\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@customer.example>\r\n"
        "\r\n"
        f"{subject}: the circuit is down.\r\n"
    ).encode()


def test_delivered_messages_move_to_the_processed_folder_and_leave_the_inbox_empty(imap_server):
    first, second = message("first"), message("second")
    imap_server.append(first)
    imap_server.append(second)
    delivered = []

    result = poll(imap_server.mailbox(), delivered.append)

    assert result == PollResult(fetched=2, delivered=2, failed=0)
    assert delivered == [first, second]
    assert imap_server.messages("INBOX") == []
    assert imap_server.messages("Processed") == [first, second]


def test_message_whose_delivery_raises_stays_in_the_inbox_and_is_delivered_on_the_next_poll(imap_server, caplog):
    first, second = message("first"), message("second")
    imap_server.append(first)
    imap_server.append(second)
    delivered = []

    def deliver_while_the_first_breaks(raw: bytes) -> None:
        if raw == first:
            raise RuntimeError("the database is down")
        delivered.append(raw)

    with caplog.at_level(logging.ERROR, logger="mailin.imap"):
        result = poll(imap_server.mailbox(), deliver_while_the_first_breaks)

    assert result == PollResult(fetched=2, delivered=1, failed=1)
    assert delivered == [second]
    assert imap_server.messages("INBOX") == [first]
    assert imap_server.unseen("INBOX") == 1  # fetched with PEEK: still unread for whoever looks
    (record,) = [r for r in caplog.records if r.name == "mailin.imap" and r.levelno == logging.ERROR]
    assert "stays there for the next poll" in record.getMessage()
    assert str(record.exc_info[1]) == "the database is down"

    result = poll(imap_server.mailbox(), delivered.append)

    assert result == PollResult(fetched=1, delivered=1, failed=0)
    assert delivered == [second, first]
    assert imap_server.messages("INBOX") == []
    assert imap_server.messages("Processed") == [second, first]


def test_limit_takes_the_oldest_messages_first(imap_server):
    sent = [message(f"number {n}") for n in range(1, 4)]
    for raw in sent:
        imap_server.append(raw)
    delivered = []

    assert poll(imap_server.mailbox(), delivered.append, limit=2) == PollResult(fetched=2, delivered=2, failed=0)
    assert delivered == sent[:2]
    assert imap_server.messages("INBOX") == sent[2:]

    assert poll(imap_server.mailbox(), delivered.append, limit=2) == PollResult(fetched=1, delivered=1, failed=0)
    assert delivered == sent


def test_processed_folder_is_created_when_missing_even_with_nothing_to_deliver(imap_server):
    assert imap_server.folders() == {"INBOX"}

    # pytest.fail as the delivery: it raises past poll's `except Exception`, failing the test if called.
    assert poll(imap_server.mailbox(), pytest.fail) == PollResult(fetched=0, delivered=0, failed=0)

    assert imap_server.folders() == {"INBOX", "Processed"}


def test_folder_names_with_spaces_and_accents_are_quoted_and_encoded(imap_server):
    raw = message("accents")
    imap_server.append(raw, folder="INBOX")
    delivered = []

    poll(imap_server.mailbox(processed="Traité par le portail"), delivered.append)

    assert delivered == [raw]
    # Modified UTF-7, as the server lists it (RFC 3501 5.1.3).
    assert "Trait&AOk- par le portail" in imap_server.folders()
    assert imap_server.messages("Traité par le portail") == [raw]


@pytest.fixture(scope="module", params=["UIDPLUS", ""], ids=["copy-uid-expunge", "copy-expunge"])
def server_without_move(request, start_dovecot):
    """A dovecot that does not advertise MOVE (and, for the second, not UIDPLUS either)."""
    return start_dovecot(settings=f"imap_capability = IMAP4rev1 LITERAL+ IDLE {request.param}")


def test_without_move_a_message_is_copied_then_expunged_and_a_failed_one_left_alone(server_without_move):
    imap_server = server_without_move.add_account()
    with imap_server.session() as conn:
        _, capabilities = conn.capability()
    assert b"MOVE" not in capabilities[0].split()
    first, broken, third = message("first"), message("broken"), message("third")
    for raw in (first, broken, third):
        imap_server.append(raw)

    def deliver(raw: bytes) -> None:
        if raw == broken:
            raise ValueError("unreadable")

    assert poll(imap_server.mailbox(), deliver) == PollResult(fetched=3, delivered=2, failed=1)
    assert imap_server.messages("Processed") == [first, third]
    assert imap_server.messages("INBOX") == [broken]


@pytest.fixture(scope="module")
def server_for_wrong_passwords(start_dovecot):
    """A dovecot of its own: after a failed login dovecot delays the next ones from the same
    address (its auth penalty), which would slow the other tests down."""
    return start_dovecot()


def test_wrong_password_is_mailbox_unavailable_without_the_password(server_for_wrong_passwords):
    account = server_for_wrong_passwords.add_account()
    mailbox = account.mailbox(password="hunter2-not-the-password")

    with pytest.raises(MailboxUnavailable) as raised:
        poll(mailbox, pytest.fail)

    text = str(raised.value)
    assert text == (
        f"IMAP {account.user}@127.0.0.1:{account.port}/INBOX: logging in failed: "
        "[AUTHENTICATIONFAILED] Authentication failed."
    )
    assert "hunter2" not in repr(mailbox)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_server_refusing_the_connection_is_mailbox_unavailable():
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        mailbox = Mailbox(host="127.0.0.1", port=port, user="alice", password="secret", ssl=False)

        with pytest.raises(MailboxUnavailable, match="connecting failed"):
            poll(mailbox, pytest.fail, timeout=5)


def test_folder_that_does_not_exist_is_mailbox_unavailable(imap_server):
    with pytest.raises(MailboxUnavailable, match="opening the folder 'Support' failed"):
        poll(imap_server.mailbox(folder="Support"), pytest.fail)


def test_poll_configured_does_nothing_without_a_url(settings):
    settings.INBOUND_IMAP_URL = ""

    assert poll_configured(pytest.fail) is None


def test_poll_configured_polls_the_mailbox_of_the_settings(settings, imap_server):
    password = quote(imap_server.password, safe="")
    settings.INBOUND_IMAP_URL = f"imap://{imap_server.user}:{password}@{imap_server.host}:{imap_server.port}"
    settings.INBOUND_IMAP_FOLDER = "INBOX"
    settings.INBOUND_IMAP_PROCESSED_FOLDER = "Taken in"
    raw = message("configured")
    imap_server.append(raw)
    delivered = []

    assert poll_configured(delivered.append) == PollResult(fetched=1, delivered=1, failed=0)
    assert delivered == [raw]
    assert imap_server.messages("Taken in") == [raw]


@pytest.mark.parametrize(
    ("url", "options", "expected"),
    [
        (
            "imap://alice:secret@mail.example.com/INBOX",
            {},
            Mailbox("mail.example.com", 143, "alice", "secret", False, "INBOX", "Processed"),
        ),
        (
            "imaps://support%40carrier.example:p%40ss%2Fw%3Ard@imap.carrier.example",
            {},
            Mailbox("imap.carrier.example", 993, "support@carrier.example", "p@ss/w:rd", True, "INBOX", "Processed"),
        ),
        (
            "IMAPS://alice:secret@Mail.Example.com:10993/",
            {},
            Mailbox("mail.example.com", 10993, "alice", "secret", True, "INBOX", "Processed"),
        ),
        (
            "imap://alice:secret@[::1]:1143/Support/Escalations",
            {},
            Mailbox("::1", 1143, "alice", "secret", False, "Support/Escalations", "Processed"),
        ),
        (
            "imap://alice@mail.example.com/Caf%C3%A9",
            {},
            Mailbox("mail.example.com", 143, "alice", "", False, "Café", "Processed"),
        ),
        (
            "imap://alice:secret@mail.example.com",
            {"folder": "Support", "processed": "Done"},
            Mailbox("mail.example.com", 143, "alice", "secret", False, "Support", "Done"),
        ),
        (
            "imap://alice:secret@mail.example.com/Sales",
            {"folder": "Support"},
            Mailbox("mail.example.com", 143, "alice", "secret", False, "Sales", "Processed"),
        ),
    ],
    ids=[
        "imap",
        "imaps-percent-encoded",
        "scheme-and-host-case",
        "ipv6-port-and-path",
        "no-password",
        "options",
        "path-over-option",
    ],
)
def test_mailbox_from_url(url, options, expected):
    assert mailbox_from_url(url, **options) == expected


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://alice:secret@mail.example.com/", "imap:// or imaps://, not http://"),
        ("mail.example.com", "starts with imap:// or imaps://"),
        ("imap://alice:secret@/INBOX", "names no host"),
        ("imap://mail.example.com/INBOX", "names no user"),
        ("imap://alice:secret@mail.example.com:secret/", "invalid port"),
        ("imap://alice:secret@mail.example.com/Processed", "processed folder must differ"),
    ],
    ids=["http", "no-scheme", "no-host", "no-user", "bad-port", "processed-is-the-folder"],
)
def test_mailbox_from_url_rejects_with_a_clear_message_that_holds_no_password(url, error):
    with pytest.raises(ValueError, match=error) as raised:
        mailbox_from_url(url)
    assert "secret" not in str(raised.value)


def test_mailbox_repr_holds_no_password():
    mailbox = Mailbox("mail.example.com", 143, "alice", "secret", False)

    assert "secret" not in repr(mailbox)
    assert str(mailbox) == "alice@mail.example.com:143/INBOX"


@pytest.mark.parametrize(
    ("name", "command_form"),
    [
        ("INBOX", '"INBOX"'),
        ('Say "hi" \\ bye', '"Say \\"hi\\" \\\\ bye"'),
        ("Tom & Jerry", '"Tom &- Jerry"'),
        ("Traité", '"Trait&AOk-"'),
        ("~peter/mail/台北/日本語", '"~peter/mail/&U,BTFw-/&ZeVnLIqe-"'),  # RFC 3501's example
    ],
    ids=["ascii", "quotes-and-backslash", "ampersand", "accent", "rfc3501-example"],
)
def test_mailbox_name_is_quoted_and_non_ascii_in_modified_utf7(name, command_form):
    assert mailbox_name(name) == command_form
