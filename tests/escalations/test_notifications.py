"""What people see of notices: the email (plain text and HTML), the bell in the header, the
notifications page, and their own settings (which notices, which time zone)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accountteam import emailing, notifications
from accountteam.models import Notification, UserSettings
from escalations import services
from escalations.sweep import escalations_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

DENVER = ZoneInfo("America/Denver")
MINUTE = dt.timedelta(minutes=1)
RAISED = dt.datetime(2025, 6, 11, 10, 0, tzinfo=DENVER)  # a Wednesday, MDT (UTC−6)
TARGET = RAISED + 15 * MINUTE
DUE = RAISED + 30 * MINUTE


def raise_pager(tenant, *, at=RAISED, subject="Circuit 12345 down"):
    return services.escalation_create(
        actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject=subject, now=at
    )


def reminder_email(tenant, **kwargs):
    """Raise an item, sweep at its target and email the reminder; return (item, message)."""
    item = raise_pager(tenant, **kwargs)
    escalations_sweep(now=TARGET)
    reminder = Notification.objects.get(kind="reminder")
    mail.outbox.clear()
    assert emailing.send_emails([reminder.pk]) == 1
    return item, mail.outbox[0]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


BELL = re.compile(r'<a [^>]*class="bell"[^>]*aria-label="Notifications, (\d+) unread"[^>]*>(.*?)</a>', re.DOTALL)
COUNT = re.compile(r'<span class="count">(\d+)</span>')


def bell(client) -> tuple[str, str | None]:
    """The bell in the page header: (the unread number its label says, the badge shown or None)."""
    response = client.get("/")
    assert response.status_code == 200
    match = BELL.search(response.content.decode())
    assert match, "no bell in the header"
    badge = COUNT.search(match.group(2))
    return match.group(1), badge.group(1) if badge else None


# --- The email -------------------------------------------------------------------------------------


def test_notice_email_names_the_carrier_and_links_to_the_item(tenant, settings):
    settings.CARRIER_NAME = "Peak Wholesale"
    settings.PORTAL_BASE_URL = "https://portal.example/"

    item, message = reminder_email(tenant)

    link = f"https://portal.example/escalations/{item.pk}/"
    assert message.subject == "[Peak Wholesale] Reminder: Circuit 12345 down"
    assert message.to == [tenant.manager.email]
    assert "Circuit 12345 down" in message.body
    assert f"Open it in the portal: {link}" in message.body
    assert "Peak Wholesale Account Team Portal" in message.body
    html = html_of(message)
    assert f'<a href="{link}"' in html
    assert "Circuit 12345 down" in html
    assert "Peak Wholesale Account Team Portal" in html


def test_overdue_email_reaches_the_director_with_the_same_link(tenant, director):
    item = raise_pager(tenant)
    escalations_sweep(now=DUE)
    mail.outbox.clear()

    emailing.send_emails(list(Notification.objects.filter(kind="overdue").values_list("pk", flat=True)))

    [message] = [m for m in mail.outbox if m.to == [director.email]]
    assert message.subject == "[Summit Wholesale] Overdue: Circuit 12345 down"
    assert f"/escalations/{item.pk}/" in message.body
    assert f'href="http://127.0.0.1:8000/escalations/{item.pk}/"' in html_of(message)
    assert "assigned to Home Manager" in message.body


def test_html_email_escapes_what_the_customer_typed(tenant):
    _item, message = reminder_email(tenant, subject="<script>alert(1)</script> T1 & DS3")

    html = html_of(message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; T1 &amp; DS3" in html


def test_plain_text_email_shows_the_customers_words_as_typed(tenant):
    _item, message = reminder_email(tenant, subject="Customer's T1 <urgent> & down")

    assert message.subject == "[Summit Wholesale] Reminder: Customer's T1 <urgent> & down"
    assert "Customer's T1 <urgent> & down" in message.body
    assert "&#x27;" not in message.body and "&lt;" not in message.body and "&amp;" not in message.body


# --- The bell and the notifications page ---------------------------------------------------------------


def test_bell_in_the_header_shows_the_unread_count(tenant, foreign, staff):
    raise_pager(tenant)  # "assigned" to the manager
    raise_pager(foreign, subject="Someone else's circuit")  # the other manager's, not counted
    escalations_sweep(now=TARGET)  # + a reminder for each manager

    assert bell(staff) == ("2", "2")


def test_bell_shows_no_count_when_nothing_is_unread(tenant, staff):
    assert bell(staff) == ("0", None)


def test_notifications_page_lists_the_users_own_notices_newest_first(tenant, foreign, staff):
    item = raise_pager(tenant)
    raise_pager(foreign, subject="Someone else's circuit")
    escalations_sweep(now=TARGET)

    response = staff.get("/notifications/")

    assert response.status_code == 200
    page = response.content.decode()
    reminder = page.index(">Reminder: Circuit 12345 down</a>")
    assigned = page.index(">New pager: Circuit 12345 down</a>")
    assert reminder < assigned
    # Each notice opens through its own address (marked read there), which leads to the item.
    opened = re.search(r'href="(/notifications/\d+/open/)">Reminder: Circuit 12345 down</a>', page).group(1)
    assert staff.get(opened)["Location"] == f"/escalations/{item.pk}/"
    assert "Someone else" not in page
    assert page.count('class="notification unread"') == 2


def test_marking_all_as_read_clears_the_count_of_this_user_only(tenant, foreign, staff):
    raise_pager(tenant)
    raise_pager(foreign, subject="Someone else's circuit")
    escalations_sweep(now=TARGET)

    response = staff.post("/notifications/read/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    page = response.content.decode()
    assert "All notices marked as read." in page
    assert 'class="notification unread"' not in page
    assert ">Reminder: Circuit 12345 down</a>" in page  # still listed, now read
    assert bell(staff) == ("0", None)
    assert not Notification.objects.filter(recipient=tenant.manager_user, read_at__isnull=True).exists()
    assert notifications.unread_count(foreign.manager_user) == 2


def test_marking_as_read_needs_a_post(tenant, staff):
    raise_pager(tenant)

    assert staff.get("/notifications/read/").status_code == 405
    assert notifications.unread_count(tenant.manager_user) == 1


def test_notification_pages_need_a_sign_in(client):
    for url in ("/notifications/", "/me/settings/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/auth/login/")
    assert client.post("/notifications/read/").status_code == 302


# --- Settings ----------------------------------------------------------------------------------------


def test_settings_page_saves_notice_preferences_and_time_zone(tenant, staff):
    response = staff.post(
        "/me/settings/", {"time_zone": " America/New_York ", "notify_in_app": "on"}, follow=True
    )

    assert response.redirect_chain == [("/me/settings/", 302)]
    assert "Your settings are saved." in response.content.decode()
    prefs = UserSettings.objects.get(user=tenant.manager_user)
    assert (prefs.time_zone, prefs.notify_by_email, prefs.notify_in_app) == ("America/New_York", False, True)
    form = response.context["form"]
    assert form.initial == {"language": "en", "time_zone": "New York (United States) · America/New_York",
                            "notify_by_email": False, "notify_in_app": True}

    # The sweep honours them: the next reminder is shown under the bell but not emailed.
    raise_pager(tenant)
    escalations_sweep(now=TARGET)
    reminder = Notification.objects.get(kind="reminder")
    assert reminder.in_app and not reminder.email_due


def test_settings_page_can_turn_the_bell_off(tenant, staff):
    staff.post("/me/settings/", {"time_zone": "", "notify_by_email": "on"})

    raise_pager(tenant)
    escalations_sweep(now=TARGET)

    reminder = Notification.objects.get(kind="reminder")
    assert reminder.email_due and not reminder.in_app and reminder.recipient is None
    assert bell(staff) == ("0", None)


def test_settings_page_rejects_an_unknown_time_zone(tenant, staff):
    UserSettings.objects.create(user=tenant.manager_user, time_zone="America/Chicago")

    response = staff.post("/me/settings/", {"time_zone": "Mars/Base", "notify_in_app": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_zone": ["'Mars/Base' is not a time zone. Type a city, such as Buenos Aires, and pick it from the list."]
    }
    assert "is not a time zone. Type a city, such as Buenos Aires, and pick it from the list." in (
        response.content.decode())
    prefs = UserSettings.objects.get(user=tenant.manager_user)
    assert (prefs.time_zone, prefs.notify_by_email, prefs.notify_in_app) == ("America/Chicago", True, True)


@pytest.mark.parametrize(
    ("raised", "before", "after"),
    [
        (RAISED, "Wed 11 Jun 2025, 10:00 MDT", "Wed 11 Jun 2025, 12:00 EDT"),
        (dt.datetime(2026, 1, 14, 10, 0, tzinfo=DENVER), "Wed 14 Jan 2026, 10:00 MST", "Wed 14 Jan 2026, 12:00 EST"),
    ],
    ids=["summer", "winter"],
)
def test_escalation_page_shows_times_in_the_users_chosen_time_zone(tenant, staff, raised, before, after):
    item = raise_pager(tenant, at=raised)
    url = f"/escalations/{item.pk}/"
    due_before = before.replace(":00 M", ":30 M")
    due_after = after.replace(":00 E", ":30 E")

    page = staff.get(url).content.decode()
    assert before in page and due_before in page  # the manager's calendar zone by default

    staff.post("/me/settings/", {"time_zone": "America/New_York", "notify_in_app": "on"})
    page = staff.get(url).content.decode()

    assert after in page
    assert due_after in page
    assert before not in page
