"""Delivering received mail: one code path for the pipe, the IMAP mailbox and the inbox folder.
New mail from a known customer raises an e-mail item on their account with the clock started at
arrival, and they are told its number; a reply lands on its item; the same message twice is one;
automatic mail is never an item; anything that fails a check waits in the quarantine."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from accountteam import mail_threads
from accountteam.models import Notification
from escalations import rules
from escalations import services as escalation_services
from escalations.models import Escalation, Event
from mailin import intake, services
from mailin.models import InboundAttachment, InboundMessage, MailAlias
from tests.teams.factories import AccountFactory, AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGES = Path(__file__).parent / "messages"
INBOUND = "support@portal.example"
# A Wednesday in business hours on every calendar the factories make.
NOW = dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC)
ARRIVED = NOW - dt.timedelta(minutes=37)
Reason = InboundMessage.Reason


@pytest.fixture(autouse=True)
def _inbound(settings):
    settings.INBOUND_EMAIL_ADDRESS = INBOUND
    settings.INBOUND_OWN_HOSTS = ["portal.example"]


def letter(
    *,
    sender: str,
    to: str = INBOUND,
    subject: str = "Circuit down in Boulder",
    body: str = "It is down.",
    received: dt.datetime = ARRIVED,
    **headers,
) -> bytes:
    """A message as the portal's mail server hands it over, received at ``received``."""
    message = EmailMessage()
    message["Received"] = (
        f"from mail.customer.example by mx1.portal.example (Postfix) with ESMTPS id 4F2A; {format_datetime(received)}"
    )
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(received - dt.timedelta(seconds=20))
    message["Message-ID"] = headers.pop("message_id", None) or make_msgid(domain="customer.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def deliver(raw: bytes, now: dt.datetime = NOW, source: str = "pipe"):
    return services.message_deliver(raw=raw, source=source, now=now)


def test_a_customers_mail_raises_an_email_item_with_the_clock_started_at_arrival(tenant):
    outcome = deliver(letter(sender=tenant.user.email, body="Since 08:50 the circuit is down.\n\n-- \nHome NOC"))

    item = outcome.message.escalation
    assert outcome.status == InboundMessage.Status.DELIVERED and not outcome.duplicate
    assert (item.channel, item.category, item.account, item.raised_by) == (
        "email",
        "repair",
        tenant.account,
        tenant.user,
    )
    assert item.received_at == ARRIVED  # the portal's mail server's Received header, not the delivery
    assert item.subject == "Circuit down in Boulder"
    assert item.description == "Since 08:50 the circuit is down."  # the signature trimmed
    assert item.assignee == tenant.manager
    assert outcome.message.raw.read().startswith(b"Received: from mail.customer.example")


def test_the_customer_is_told_the_items_number_and_the_guideline_as_an_automatic_reply(
    tenant, eager_tasks, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    raw = letter(sender=tenant.user.email, message_id="<first-letter@customer.example>")
    with django_capture_on_commit_callbacks(execute=True):
        item = deliver(raw).message.escalation

    [ack] = [m for m in mail.outbox if m.to == [tenant.user.email]]
    assert f"#{item.pk}" in ack.subject and f"escalation #{item.pk} on account {tenant.account.number}" in ack.body
    assert item.policy.description in ack.body
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["In-Reply-To"] == "<first-letter@customer.example>"
    assert ack.reply_to == [mail_threads.reply_address(item.pk)]
    assert mail_threads.item_of_message_id(ack.extra_headers["Message-ID"]) == item.pk


def test_the_acknowledgement_speaks_the_customers_language(tenant):
    from accountteam.languages import set_user_language

    set_user_language(tenant.user, "es")
    item = deliver(letter(sender=tenant.user.email)).message.escalation

    notice = Notification.objects.get(recipient=tenant.user, kind="mail_received")
    assert notice.language == "es" and f"Su correo electrónico es el escalamiento #{item.pk}" in notice.body


def test_the_same_message_twice_is_one_item(tenant):
    raw = letter(sender=tenant.user.email)

    first = deliver(raw, source="pipe")
    second = deliver(raw, source="imap")

    assert second.duplicate and second.message == first.message
    assert Escalation.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"List_Id": "<noc.lists.customer.example>"},
    ],
)
def test_automatic_mail_is_kept_as_ignored_never_an_item_never_answered(tenant, headers):
    outcome = deliver(letter(sender=tenant.user.email, **headers))

    assert outcome.status == InboundMessage.Status.IGNORED
    assert not Escalation.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("name", ["out_of_office.eml", "bounce.eml", "list.eml"])
def test_real_automatic_messages_are_ignored(tenant, name):
    assert deliver((MESSAGES / name).read_bytes()).status == InboundMessage.Status.IGNORED
    assert not Escalation.objects.exists()


def test_an_unknown_sender_waits_in_the_quarantine(tenant):
    outcome = deliver(letter(sender="stranger@elsewhere.example"))

    assert (outcome.status, outcome.message.reason) == ("quarantined", Reason.UNKNOWN_SENDER)
    assert not Escalation.objects.exists()


def test_an_address_not_verified_is_not_the_user(tenant):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=tenant.user).update(verified=False)

    assert deliver(letter(sender=tenant.user.email)).message.reason == Reason.UNKNOWN_SENDER


def test_the_company_comes_from_the_membership_never_from_the_address(tenant, foreign):
    named = deliver(letter(sender=tenant.user.email, to=f"support+{foreign.account.number}@portal.example"))
    unknown = deliver(letter(sender=tenant.user.email, to="support+0000-9999@portal.example"))

    assert (named.message.reason, named.message.company) == (Reason.NOT_MEMBER, foreign.company)
    assert unknown.message.reason == Reason.UNKNOWN_ACCOUNT
    assert not Escalation.objects.exists()


def test_a_sender_with_several_accounts_names_one_by_sub_address_or_is_quarantined(tenant):
    second = AccountFactory(company=tenant.company, number="HM-0002")
    AssignmentFactory(account=second, person=tenant.manager, role=tenant.assignment.role)

    several = deliver(letter(sender=tenant.user.email))
    named = deliver(letter(sender=tenant.user.email, to="Support <support+hm-0002@portal.example>"))

    assert several.message.reason == Reason.SEVERAL_ACCOUNTS
    assert named.message.escalation.account == second


def test_a_member_limited_to_one_account_writes_only_on_it(tenant):
    """A membership limited to the second account: plain mail lands there, and mail naming the
    first account waits in the quarantine (the rights are per account, from the membership)."""
    second = AccountFactory(company=tenant.company, number="HM-0002")
    AssignmentFactory(account=second, person=tenant.manager, role=tenant.assignment.role)
    tenant.membership.all_accounts = False
    tenant.membership.save()
    tenant.membership.accounts.set([second])

    plain = deliver(letter(sender=tenant.user.email))
    other = deliver(letter(sender=tenant.user.email, to=f"support+{tenant.account.number}@portal.example",
                           subject="About the first account"))

    assert plain.message.escalation.account == second
    assert other.message.escalation is None and other.message.status == InboundMessage.Status.QUARANTINED


def test_an_alias_names_the_account_and_the_category(tenant):
    MailAlias.objects.create(address="billing@portal.example", account=tenant.account, category="billing")

    item = deliver(
        letter(sender=tenant.user.email, to="billing@portal.example", subject="A question")
    ).message.escalation

    assert (item.account, item.category) == (tenant.account, "billing")


def test_a_customer_without_the_escalation_right_is_quarantined(tenant):
    tenant.membership.can_escalate = False
    tenant.membership.save()

    assert deliver(letter(sender=tenant.user.email)).message.reason == Reason.NO_ACCOUNT


def test_staff_writing_without_an_item_is_quarantined(tenant):
    assert deliver(letter(sender=tenant.manager_user.email)).message.reason == Reason.STAFF


# --- Replies ----------------------------------------------------------------------------------------


@pytest.fixture
def item(tenant):
    return deliver(letter(sender=tenant.user.email)).message.escalation


def test_a_customers_reply_is_a_public_comment_and_resumes_a_waiting_item(tenant, item):
    escalation_services.escalation_wait(
        actor=tenant.manager_user, escalation=item, comment="Which port?", now=NOW + dt.timedelta(minutes=5)
    )
    reply = letter(
        sender=tenant.user.email,
        to=mail_threads.reply_address(item.pk),
        subject=f"Re: #{item.pk}",
        body="Port 7.\n\nOn Wed, 2 Dec 2026 at 09:05, Home Manager <m@carrier.example> wrote:\n> Which port?",
        received=NOW + dt.timedelta(minutes=20),
    )

    outcome = deliver(reply, now=NOW + dt.timedelta(minutes=21))

    item.refresh_from_db()
    comment = outcome.message.event
    assert (comment.kind, comment.comment, comment.internal, comment.actor) == (
        "comment",
        "Port 7.",
        False,
        tenant.user,
    )
    assert item.status != rules.WAITING and item.paused_at is None


def test_a_reply_to_the_plain_address_finds_its_item_through_in_reply_to(tenant, item):
    ours = mail_threads.message_id(item.pk, "some-notice")

    outcome = deliver(
        letter(sender=tenant.user.email, subject="Re: update", body="Thanks.", In_Reply_To=ours, References=ours)
    )

    assert outcome.message.escalation == item and outcome.message.event.comment == "Thanks."


def test_a_forged_reply_address_is_quarantined(tenant, item):
    forged = f"support+r.{item.pk}-0123456789abcdef@portal.example"

    assert deliver(letter(sender=tenant.user.email, to=forged)).message.reason == Reason.BAD_TOKEN


def test_another_companys_user_cannot_write_on_the_item_even_with_its_address(tenant, foreign, item):
    outcome = deliver(letter(sender=foreign.user.email, to=mail_threads.reply_address(item.pk)))

    assert outcome.message.reason == Reason.NOT_ALLOWED
    assert not item.events.filter(actor=foreign.user).exists()


def test_staffs_reply_is_the_response_and_the_internal_address_an_internal_note(tenant, item):
    later = NOW + dt.timedelta(minutes=10)
    public = deliver(
        letter(
            sender=tenant.manager_user.email, to=mail_threads.reply_address(item.pk), body="A technician is on the way."
        ),
        now=later,
    )
    note = deliver(
        letter(
            sender=tenant.manager_user.email,
            to=mail_threads.reply_address(item.pk, internal=True),
            body="Card in slot 3 is suspect.",
        ),
        now=later,
    )

    item.refresh_from_db()
    assert public.message.event.kind == Event.Kind.RESPONDED and item.first_response_at == later
    assert (note.message.event.kind, note.message.event.internal) == (Event.Kind.NOTE, True)
    customer_notices = Notification.objects.filter(recipient=tenant.user).values_list("body", flat=True)
    assert not any("slot 3" in body for body in customer_notices)


# --- Attachments, the original, bounds -----------------------------------------------------------------


def test_attachments_become_the_items_files_and_a_refused_one_says_why(tenant):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = tenant.user.email, INBOUND, "Splice report"
    message["Message-ID"] = make_msgid(domain="customer.example")
    message.set_content("Report attached.")
    message.add_attachment(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        maintype="application",
        subtype="pdf",
        filename="splice-report.pdf",
    )
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="tool.exe")

    item = deliver(message.as_bytes()).message.escalation

    kept, refused = InboundAttachment.objects.filter(escalation=item).order_by("pk")
    assert (kept.name, kept.refused, bool(kept.file)) == ("splice-report.pdf", "", True)
    assert kept.file.read().startswith(b"%PDF-1.4")
    assert refused.name == "tool.exe" and "exe" in refused.refused and not refused.file


def test_a_real_multipart_message_with_html_and_attachments(tenant):
    user = UserFactory(username="dana.frf", email="dana.whitfield@frontrangefiber.example")
    MembershipFactory(user=user, company=tenant.company)
    raw = (MESSAGES / "multipart_html_attachments.eml").read_bytes()

    outcome = deliver(raw, now=dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC))

    item = outcome.message.escalation
    assert item.raised_by == user and item.subject == "Splice report for FRF-DEN-10G-0042"
    assert item.received_at == dt.datetime(2026, 12, 2, 15, 22, 48, tzinfo=dt.UTC)  # our mail server's
    assert InboundAttachment.objects.filter(escalation=item, name__endswith=".pdf").exists()


def test_unreadable_and_oversized_messages_are_quarantined_with_the_original_kept(tenant, settings):
    settings.INBOUND_MAX_BYTES = 2_000

    unreadable = deliver(b"\x00\x01\x02 not a message")
    large = deliver(letter(sender=tenant.user.email, body="x" * 5_000))

    assert (
        unreadable.message.reason == Reason.UNREADABLE
        and unreadable.message.raw.read() == b"\x00\x01\x02 not a message"
    )
    assert large.message.reason == Reason.TOO_LARGE


# --- The three ways in ------------------------------------------------------------------------------


def test_the_mail_servers_pipe_delivers_and_exits_zero(tenant, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO(letter(sender=tenant.user.email, received=dt.datetime.now(dt.UTC))))
    )
    out = io.StringIO()

    call_command("receive_mail", stdout=out)

    message = InboundMessage.objects.get()
    assert message.source == "pipe" and message.escalation is not None and "delivered" in out.getvalue()


def test_the_pipe_refuses_an_empty_message_with_a_non_zero_exit(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))

    with pytest.raises(CommandError, match="No message"):
        call_command("receive_mail")


def test_the_inbox_folder_delivers_each_file_and_moves_it_aside(tenant, tmp_path):
    for n in range(3):
        (tmp_path / f"{n}.eml").write_bytes(
            letter(sender=tenant.user.email, subject=f"Order {n} delayed", received=dt.datetime.now(dt.UTC))
        )
    (tmp_path / "notes.txt").write_text("not mail")

    picked = intake.inbox_pick_up(tmp_path)

    assert (picked.delivered, picked.failed) == (3, 0)
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["0.eml", "1.eml", "2.eml"]
    assert (tmp_path / "notes.txt").exists()
    assert Escalation.objects.filter(channel="email", category="delayed_order").count() == 3


# --- Quarantine decisions -----------------------------------------------------------------------------


def test_staff_accept_a_quarantined_message_onto_an_account_with_the_clock_at_arrival(tenant):
    AccountFactory(company=tenant.company, number="HM-0002")
    waiting = deliver(letter(sender=tenant.user.email)).message

    item = services.quarantine_accept(
        actor=tenant.manager_user, message=waiting, account=tenant.account, now=NOW + dt.timedelta(hours=1)
    )

    waiting.refresh_from_db()
    assert (waiting.status, waiting.escalation, waiting.handled_by) == ("accepted", item, tenant.manager_user)
    assert (item.raised_by, item.received_at, item.channel) == (tenant.user, ARRIVED, "email")


def test_a_discard_needs_a_reason_and_a_customer_can_do_neither(tenant):
    waiting = deliver(letter(sender="stranger@elsewhere.example")).message

    with pytest.raises(Exception, match="Only the carrier"):
        services.quarantine_discard(actor=tenant.user, message=waiting, reason="spam")
    with pytest.raises(Exception, match="Say why"):
        services.quarantine_discard(actor=tenant.manager_user, message=waiting, reason="  ")
    services.quarantine_discard(actor=tenant.manager_user, message=waiting, reason="Spam")

    waiting.refresh_from_db()
    assert (waiting.status, waiting.discard_reason) == ("discarded", "Spam")
    with pytest.raises(Exception, match="no longer in quarantine"):
        services.quarantine_accept(actor=tenant.manager_user, message=waiting, account=tenant.account)


# --- What the portal sends threads ---------------------------------------------------------------------


def test_every_notice_about_an_item_threads_and_offers_its_reply_address(
    tenant, item, eager_tasks, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_services.escalation_respond(
            actor=tenant.manager_user, escalation=item, comment="On it.", now=NOW + dt.timedelta(minutes=3)
        )

    [reply] = [m for m in mail.outbox if m.to == [tenant.user.email]]
    assert reply.extra_headers["References"] == mail_threads.thread_root(item.pk)
    assert reply.extra_headers["Auto-Submitted"] == "auto-generated"
    assert reply.reply_to == [mail_threads.reply_address(item.pk)]
    assert "Reply to this e-mail to add to the item." in reply.body


# --- Staff correct a guessed category -------------------------------------------------------------


def test_staff_correct_a_guessed_category_on_the_page_and_the_customer_does_not_read_why(tenant, item):
    from tests.clients import signed_in

    assert item.category == "repair"
    page = signed_in(tenant.manager_user).post(
        f"/escalations/{item.pk}/recategorize/", {"category": "billing"}, follow=True
    )

    item.refresh_from_db()
    assert item.category == "billing" and b"has a new category" in page.content
    assert b"Category changed from Maintenance and repair escalation to Billing" in page.content
    customer_page = signed_in(tenant.user).get(f"/escalations/{item.pk}/").content
    assert b"Category changed" not in customer_page
    assert signed_in(tenant.user).post(f"/escalations/{item.pk}/recategorize/", {"category": "other"}).status_code in (
        403,
        404,
    )
    item.refresh_from_db()
    assert item.category == "billing"


def test_the_api_corrects_a_category_and_refuses_an_unknown_one(tenant, item):
    from tests.clients import api_as

    client = api_as(tenant.manager_user)
    bad = client.post(f"/api/v1/escalations/{item.pk}/recategorize/", {"category": "postmortem"}, format="json")
    good = client.post(f"/api/v1/escalations/{item.pk}/recategorize/", {"category": "billing"}, format="json")

    assert bad.status_code == 400 and "category" in bad.json()
    assert good.status_code == 200 and good.json()["category"] == "billing"
    assert api_as(tenant.user).post(
        f"/api/v1/escalations/{item.pk}/recategorize/", {"category": "other"}, format="json"
    ).status_code in (403, 404)


# --- Real-world shapes -------------------------------------------------------------------------------


def customer_of(tenant, username: str, address: str):
    user = UserFactory(username=username, email=address)
    MembershipFactory(user=user, company=tenant.company)
    return user


def test_mail_in_iso_8859_1_raises_a_spanish_item(tenant):
    user = customer_of(tenant, "jm.pena", "jmpena@telcomex.example")

    outcome = deliver((MESSAGES / "latin1.eml").read_bytes(), now=dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC))

    item = outcome.message.escalation
    assert item.raised_by == user and item.category == "repair"
    assert item.subject == "Caída del enlace en Guadalajara - señal intermitente"
    assert "señal" in item.description or "enlace" in item.description


@pytest.mark.parametrize(
    ("name", "sender", "answer"),
    [
        ("windows1252_outlook_reply.eml", "m.oyelaran@mountainwest-isp.example", "<esc-1042.notice.7@portal.example>"),
        ("portuguese_reply.eml", "joao.carvalho@redesul.example", "<esc-1043.notice.2@portal.example>"),
    ],
)
def test_an_outlook_or_gmail_reply_lands_on_its_item_without_the_quoted_history(tenant, item, name, sender, answer):
    customer_of(tenant, sender.split("@")[0], sender)
    raw = (MESSAGES / name).read_bytes().replace(answer.encode(), mail_threads.message_id(item.pk, "k").encode())

    outcome = deliver(raw, now=dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.UTC))

    comment = outcome.message.event
    assert outcome.message.escalation == item and comment.kind == "comment"
    assert comment.comment.strip() and len(comment.comment) < len(outcome.message.text)
    assert "Original Message" not in comment.comment and "escreveu:" not in comment.comment


def test_a_forwarded_message_keeps_what_was_forwarded(tenant):
    customer_of(tenant, "dana.frf", "dana.whitfield@frontrangefiber.example")

    outcome = deliver((MESSAGES / "forwarded.eml").read_bytes(), now=dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.UTC))

    item = outcome.message.escalation
    assert "PM-7781" in item.subject and "Longhaul Maintenance" in item.description
    assert InboundAttachment.objects.filter(message=outcome.message).exists()  # the attached message, listed


def test_the_imap_mailbox_is_polled_delivered_and_moved_to_processed(tenant, imap_server, settings):
    from urllib.parse import quote

    settings.INBOUND_IMAP_URL = (
        f"imap://{quote(imap_server.user, safe='')}:{quote(imap_server.password, safe='')}"
        f"@{imap_server.host}:{imap_server.port}/INBOX"
    )
    imap_server.append(letter(sender=tenant.user.email, received=dt.datetime.now(dt.UTC)))
    imap_server.append(letter(sender="stranger@elsewhere.example", received=dt.datetime.now(dt.UTC)))

    result = intake.mail_poll()

    assert result == {"imap": {"fetched": 2, "delivered": 2, "failed": 0}}
    assert imap_server.messages("INBOX") == [] and len(imap_server.messages("Processed")) == 2
    assert InboundMessage.objects.filter(source="imap").count() == 2
    assert Escalation.objects.filter(channel="email").count() == 1  # the stranger's waits in the quarantine
