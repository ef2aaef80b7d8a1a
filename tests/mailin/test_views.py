"""The mail pages, for the carrier's staff: the list (the quarantine by default, its tabs, search and
pages), a message's page and its original, accepting a quarantined message onto an account and
discarding one; the menu's entry with the quarantine's count; customers get 404 everywhere."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from escalations.models import Escalation, ResponsePolicy
from escalations.policies import seed_guidelines
from mailin.models import InboundMessage
from tests.teams.factories import AccountFactory, AssignmentFactory

from .factories import InboundAttachmentFactory, InboundMessageFactory

pytestmark = pytest.mark.django_db

LIST = "/mail/"
Status = InboundMessage.Status
# Monday 2 March 2026, 17:05 UTC: 10:05 in Denver (MST), the service manager's calendar zone.
ARRIVED = dt.datetime(2026, 3, 2, 17, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _guidelines(db):
    """The response guidelines come from a data migration a transactional test's flush may undo."""
    seed_guidelines(ResponsePolicy)


def page(message) -> str:
    return reverse("mail_detail", args=[message.pk])


def text(response) -> str:
    """The page's text with tags and whitespace runs collapsed (for phrases spanning elements)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<a href="/mail/(\d+)/" data-testid="mail-', response.content.decode())]


def follow(client, response):
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


# --- The list ---------------------------------------------------------------------------------------


@pytest.fixture
def mail(db):
    """One message of each status; the quarantined one the newest."""
    return {
        "quarantined": InboundMessageFactory(
            received_at=ARRIVED, sender="noc@frontrange.example", sender_name="Front Range NOC",
            subject="T1 to Golden down", reason=InboundMessage.Reason.UNKNOWN_SENDER,
        ),
        "ignored": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=1), status=Status.IGNORED,
                                         reason="", subject="Out of office"),
        "discarded": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=2), status=Status.DISCARDED,
                                           subject="Win a prize", discard_reason="Spam"),
        "accepted": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=3), status=Status.ACCEPTED,
                                          subject="Invoice 2026-02 disputed"),
        "delivered": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=4), status=Status.DELIVERED,
                                           reason="", subject="Re: Circuit 12345", recipient="support+r.abc@p.example"),
    }


def test_staff_see_the_quarantine_with_time_sender_subject_reason_and_status(staff, mail):
    response = staff.get(LIST)

    assert listed(response) == [mail["quarantined"].pk]
    row = text(response)
    assert "Mon 2 Mar, 10:05 MST" in row  # in the reader's zone (Denver)
    assert "Front Range NOC noc@frontrange.example" in row
    assert "T1 to Golden down" in row
    assert "The sender is not a portal user with a verified address" in row
    assert "In quarantine" in row
    content = response.content.decode()
    assert re.search(r'class="tab active" href="\?status=quarantined" aria-current="page">In quarantine<', content)
    assert 'class="striped responsive"' in content and 'data-label="Subject"' in content


def test_the_status_tabs_show_each_status_and_all(staff, mail):
    for status in ("ignored", "discarded", "accepted", "delivered"):
        assert listed(staff.get(LIST, {"status": status})) == [mail[status].pk], status
    assert listed(staff.get(LIST, {"status": "all"})) == [m.pk for m in mail.values()]  # newest first
    nonsense = staff.get(LIST, {"status": "nonsense"})
    assert listed(nonsense) == [mail["quarantined"].pk]  # back to the quarantine
    assert "Status: Select a valid choice." in text(nonsense)


def test_the_list_searches_sender_name_subject_and_recipient(staff, mail):
    def found(q):
        return listed(staff.get(LIST, {"status": "all", "q": q}))

    assert found("frontrange.EXAMPLE") == [mail["quarantined"].pk]
    assert found("range noc") == [mail["quarantined"].pk]
    assert found("invoice") == [mail["accepted"].pk]
    assert found("support+r.abc") == [mail["delivered"].pk]
    empty = staff.get(LIST, {"status": "all", "q": "Nobody Such"})
    assert listed(empty) == []
    assert "No messages to show matching “Nobody Such”." in text(empty)


def test_a_search_longer_than_200_characters_is_ignored_and_said(staff, mail):
    response = staff.get(LIST, {"q": "x" * 201})

    assert listed(response) == [mail["quarantined"].pk]
    assert "Search: Ensure this value has at most 200 characters (it has 201)." in text(response)


def test_the_list_pages_by_25_and_keeps_the_search(staff):
    rows = [InboundMessageFactory(received_at=ARRIVED - dt.timedelta(minutes=i), subject=f"Rocky & Plains {i}")
            for i in range(26)]

    first = staff.get(LIST, {"q": "Rocky & Plains"})

    assert listed(first) == [m.pk for m in rows[:25]]
    assert "Page 1 of 2" in text(first)
    link = html.unescape(re.search(r'<a href="([^"]+)">Next →</a>', first.content.decode()).group(1))
    assert "q=Rocky+%26+Plains" in link and "status=quarantined" in link
    second = staff.get(LIST + link)
    assert listed(second) == [rows[25].pk]


def test_the_list_keeps_to_its_query_budget(staff, tenant, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            message = InboundMessageFactory(account=tenant.account, company=tenant.company, user=tenant.user)
            InboundAttachmentFactory(message=message)

    add(2)
    # session, user, membership (tenancy), staff person; the menu's quarantine count, the bell's
    # count; the page's count and its rows (their user, account, company and item joined)
    with django_assert_max_num_queries(8):
        assert len(listed(staff.get(LIST))) == 2
    add(20)
    with django_assert_max_num_queries(8):
        assert len(listed(staff.get(LIST))) == 22


# --- Customers ----------------------------------------------------------------------------------------


def every_url(message) -> list[str]:
    return [LIST, page(message), page(message) + "original/", page(message) + "accept/", page(message) + "discard/"]


def test_customers_get_404_on_every_mail_url_and_change_nothing(customer, tenant, mail):
    message = mail["quarantined"]
    for url in every_url(message):
        assert customer.post(url, {"account": tenant.account.pk, "category": "repair", "reason": "x"}).status_code \
            == 404, url
    for url in every_url(message)[:3]:
        assert customer.get(url).status_code == 404, url
    message.refresh_from_db()
    assert message.status == Status.QUARANTINED and not Escalation.objects.exists()


def test_customers_see_no_mail_entry_and_staff_see_it_with_the_quarantine_count(customer, staff, mail):
    InboundMessageFactory()  # a second message in quarantine

    assert 'data-testid="nav-mail"' not in customer.get("/").content.decode()
    menu = staff.get("/").content.decode()
    assert re.search(r'data-testid="nav-mail"><bdi>Mail <span class="count">.*?2<span class="visually-hidden"> '
                     r"in quarantine</span>", menu)


def test_the_mail_entry_shows_no_count_when_the_quarantine_is_empty(staff):
    InboundMessageFactory(status=Status.DISCARDED)

    menu = staff.get("/").content.decode()

    assert re.search(r'data-testid="nav-mail"><bdi>Mail</bdi></a>', menu)


# --- A message's page ------------------------------------------------------------------------------------


def test_the_page_shows_the_headers_reason_text_and_attachments(staff, mail):
    message = mail["quarantined"]
    message.text = "Line one\n    indented <b>not bold</b>\nLine three"
    message.detail = "Found no verified address."
    message.save()
    InboundAttachmentFactory(message=message, name="trace.txt", size=2048)
    InboundAttachmentFactory(message=message, name="setup.exe", refused="This type of file is not accepted.")

    response = staff.get(page(message))

    assert response.status_code == 200
    words = text(response)
    assert "T1 to Golden down" in words and "In quarantine" in words
    assert "Front Range NOC <noc@frontrange.example>" in words
    assert "Mon 2 Mar 2026, 10:05 MST" in words
    assert "Found no verified address." in words
    content = response.content.decode()
    shown = "Line one\n    indented &lt;b&gt;not bold&lt;/b&gt;\nLine three"
    assert f'<pre class="mail-text" data-testid="mail-text">{shown}</pre>' in content
    assert "trace.txt" in words and "2.0 KB" in words
    assert "Refused: This type of file is not accepted." in words
    assert f'href="{page(message)}original/"' in content
    assert f'action="{page(message)}accept/"' in content and f'action="{page(message)}discard/"' in content
    headings = re.findall(r"<h(\d)", content.split('<main', 1)[1])
    assert headings[0] == "1" and all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))


def test_the_accept_form_offers_the_accounts_served_and_the_category_the_subject_suggests(staff, tenant, foreign):
    message = InboundMessageFactory(subject="Factura de abril duplicada")

    content = staff.get(page(message)).content.decode()

    assert f'<option value="{tenant.account.pk}">' in content
    assert f'value="{foreign.account.pk}"' not in content
    assert '<option value="billing" selected>' in content
    assert '<option value="postmortem"' not in content


def test_a_handled_message_shows_the_item_it_became_and_no_forms(staff, tenant, mail):
    message = mail["quarantined"]
    staff.post(page(message) + "accept/", {"account": tenant.account.pk, "category": "repair"})
    item = Escalation.objects.get()

    response = staff.get(page(message))

    assert f"It became escalation #{item.pk} T1 to Golden down" in text(response)
    assert f'href="/escalations/{item.pk}/"' in response.content.decode()
    assert "accept/" not in response.content.decode() and "discard/" not in response.content.decode()


def test_an_unknown_message_is_a_404(staff):
    assert staff.get("/mail/999999/").status_code == 404
    assert staff.get("/mail/999999/original/").status_code == 404
    assert staff.post("/mail/999999/accept/", {}).status_code == 404


def test_the_original_downloads_as_an_eml_attachment(staff, mail):
    message = mail["quarantined"]

    response = staff.get(page(message) + "original/")

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    body = b"".join(response.streaming_content)
    assert b"Subject: T1 to Golden down\r\n" in body and b"From: Front Range NOC <noc@frontrange.example>" in body


# --- Accepting -------------------------------------------------------------------------------------------


def test_accepting_raises_an_email_item_on_the_chosen_account_with_the_messages_clock(staff, tenant, mail):
    message = mail["quarantined"]

    response = staff.post(page(message) + "accept/", {"account": tenant.account.pk, "category": "repair"})

    item = Escalation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("escalation_detail", args=[item.pk])
    assert (item.account, item.channel, item.category, item.subject) == (tenant.account, "email", "repair",
                                                                          "T1 to Golden down")
    assert item.received_at == ARRIVED
    message.refresh_from_db()
    assert (message.status, message.escalation, message.account, message.handled_by) == (
        Status.ACCEPTED, item, tenant.account, tenant.manager_user
    )
    assert f"Escalation #{item.pk} raised on {tenant.account.number} from the e-mail “T1 to Golden down”." in text(
        follow(staff, response)
    )


def test_accepting_onto_an_account_the_staff_member_does_not_serve_is_a_form_error(staff, foreign, mail):
    message = mail["quarantined"]

    response = staff.post(page(message) + "accept/", {"account": foreign.account.pk, "category": "repair"})

    assert response["Location"] == page(message) + "#accept-h"
    shown = follow(staff, response)
    assert "Select a valid choice. That choice is not one of the available choices." in text(shown)
    assert f'<option value="{foreign.account.pk}"' not in shown.content.decode()
    message.refresh_from_db()
    assert message.status == Status.QUARANTINED and not Escalation.objects.exists()
    # Shown once: a reload is the page as it is now.
    assert "Select a valid choice" not in text(staff.get(page(message)))


def test_an_already_handled_message_cannot_be_accepted_again(staff, tenant, mail):
    message = mail["quarantined"]
    staff.post(page(message) + "accept/", {"account": tenant.account.pk, "category": "repair"})

    staff.get(page(message))  # the success message shown

    again = staff.post(page(message) + "accept/", {"account": tenant.account.pk, "category": "repair"})
    assert again.status_code == 302 and again["Location"] == page(message) + "#accept-h"
    assert "This message is no longer in quarantine." in text(follow(staff, again))
    discard = staff.post(page(message) + "discard/", {"reason": "Duplicate"})
    assert "This message is no longer in quarantine." in text(follow(staff, discard))
    assert Escalation.objects.count() == 1
    message.refresh_from_db()
    assert message.status == Status.ACCEPTED and message.discard_reason == ""


# --- Discarding --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_discarding_needs_a_reason(staff, mail, reason):
    message = mail["quarantined"]

    response = staff.post(page(message) + "discard/", {"reason": reason})

    assert response["Location"] == page(message) + "#discard-h"
    assert "This field is required." in text(follow(staff, response))
    message.refresh_from_db()
    assert message.status == Status.QUARANTINED


def test_a_reason_longer_than_a_line_is_refused(staff, mail):
    message = mail["quarantined"]

    response = staff.post(page(message) + "discard/", {"reason": "x" * 301})

    assert "Ensure this value has at most 300 characters (it has 301)." in text(follow(staff, response))
    message.refresh_from_db()
    assert message.status == Status.QUARANTINED


def test_discarding_records_the_reason_and_goes_back_to_the_list(staff, tenant, mail):
    message = mail["quarantined"]

    response = staff.post(page(message) + "discard/", {"reason": "Spam from a stranger"})

    assert response["Location"] == LIST
    assert "The e-mail from noc@frontrange.example was discarded." in text(follow(staff, response))
    message.refresh_from_db()
    assert (message.status, message.discard_reason, message.handled_by) == (
        Status.DISCARDED, "Spam from a stranger", tenant.manager_user
    )
    assert message.handled_at is not None
    assert "Discarded by Home Manager: Spam from a stranger" in text(staff.get(page(message)))


def test_an_account_served_with_another_company_is_offered_too(staff, tenant):
    other = AccountFactory(number="7001-0001")
    AssignmentFactory(account=other, person=tenant.manager, role=tenant.assignment.role)
    message = InboundMessageFactory()

    response = staff.post(page(message) + "accept/", {"account": other.pk, "category": "billing"})

    item = Escalation.objects.get()
    assert response["Location"] == reverse("escalation_detail", args=[item.pk])
    assert (item.account, item.category) == (other, "billing")



# --- The back office -----------------------------------------------------------------------------------


def test_the_back_office_lists_messages_in_words_and_shows_them_read_only(admin_client, mail):
    message = mail["quarantined"]
    InboundAttachmentFactory(message=message, name="trace.txt")

    listing = admin_client.get(reverse("admin:mailin_inboundmessage_changelist"), {"status": "quarantined"})
    shown = admin_client.get(reverse("admin:mailin_inboundmessage_change", args=[message.pk]))

    table = listing.content.decode().split('id="result_list"', 1)[1].split("</table>", 1)[0]
    assert "T1 to Golden down" in table and "In quarantine" in table
    assert "The sender is not a portal user with a verified address" in table
    assert shown.status_code == 200 and "trace.txt" in shown.content.decode()
    assert 'name="subject"' not in shown.content.decode()  # nothing to edit
    assert admin_client.get(reverse("admin:mailin_inboundmessage_add")).status_code == 403
    assert admin_client.get(reverse("admin:mailin_mailalias_add")).status_code == 200


def test_the_page_keeps_to_its_query_budget(staff, tenant, mail, django_assert_max_num_queries):
    message = mail["quarantined"]
    InboundAttachmentFactory.create_batch(3, message=message)
    staff.post(page(message) + "discard/", {"reason": "Spam"})
    staff.get(page(message))  # the message shown

    # session, user, membership (tenancy), staff person; the menu's quarantine count, the bell's
    # count; the message (with its people, account and item) and its attachments
    with django_assert_max_num_queries(8):
        assert "Discarded by Home Manager: Spam" in text(staff.get(page(message)))
