"""Meetings as iCalendar: the per-meeting download, the per-user subscription feed (the secret
address is the credential: no session), rotating that address, and the RRULE and attendees."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from dossiers import services
from dossiers.ical import meetings_ics
from dossiers.models import CalendarFeed
from tests.clients import signed_in
from tests.conftest import clock_at
from tests.dossiers.factories import ContactFactory, MeetingFactory, customer_user, denver
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 10, 0)


clock = clock_at(NOW, autouse=True)


def events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))



@pytest.fixture
def review(tenant):
    karen = ContactFactory(account=tenant.account, name="Karen Whitlock", email="karen@home.example")
    return MeetingFactory(
        account=tenant.account, title="Quarterly service review", starts_at=denver(2026, 2, 3, 10, 0),
        duration_minutes=90, recurrence="QUARTERLY", repeat_until=dt.date(2026, 12, 31), location="Teams",
        people=[tenant.manager], contacts=[karen],
    )


def test_a_recurring_meeting_has_its_rrule_times_and_attendees(tenant, review):
    (event,) = events(meetings_ics([review], stamp=NOW))

    assert event.decoded("dtstart") == dt.datetime(2026, 2, 3, 17, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 2, 3, 18, 30, tzinfo=dt.UTC)
    rule = event["rrule"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["INTERVAL"] == [3]
    # The series runs to the end of its last day on the carrier's clock (23:59:59 MST).
    assert rule["UNTIL"] == [dt.datetime(2027, 1, 1, 6, 59, 59, tzinfo=dt.UTC)]
    assert str(event["uid"]) == f"{review.uid}@accountteam"
    assert str(event["location"]) == "Teams"
    attendees = {str(a): str(a.params["CN"]) for a in event["attendee"]}
    assert attendees == {f"mailto:{tenant.manager.email}": tenant.manager.name,
                         "mailto:karen@home.example": "Karen Whitlock"}


@pytest.mark.parametrize("recurrence, freq", [("WEEKLY", "WEEKLY"), ("MONTHLY", "MONTHLY"), ("YEARLY", "YEARLY")])
def test_other_recurrences_map_to_their_frequency(tenant, recurrence, freq):
    meeting = MeetingFactory(account=tenant.account, recurrence=recurrence)
    (event,) = events(meetings_ics([meeting], stamp=NOW))

    assert event["rrule"]["FREQ"] == [freq] and "UNTIL" not in event["rrule"]


def test_a_one_off_meeting_has_no_rrule(tenant):
    (event,) = events(meetings_ics([MeetingFactory(account=tenant.account)], stamp=NOW))
    assert "rrule" not in event


def test_meeting_download_page_serves_text_calendar(tenant, review):
    response = signed_in(tenant.user).get(reverse("meeting_ics", args=[review.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{review.pk}.ics"'
    (event,) = events(response.content)
    assert event["rrule"]["FREQ"] == ["MONTHLY"]


def test_meeting_download_of_another_company_is_not_found(tenant, foreign):
    meeting = MeetingFactory(account=foreign.account)
    assert signed_in(tenant.user).get(reverse("meeting_ics", args=[meeting.pk])).status_code == 404
    assert signed_in(tenant.manager_user).get(reverse("meeting_ics", args=[meeting.pk])).status_code == 404


# --- The feed -------------------------------------------------------------------------------------------


def test_feed_works_without_a_session_and_lists_only_what_its_owner_sees(tenant, foreign, review):
    MeetingFactory(account=foreign.account, title="Foreign review")
    feed = services.calendar_feed_get_or_create(user=tenant.user)

    response = Client().get(reverse("calendar_feed", args=[feed.token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    titles = [str(e["summary"]) for e in events(response.content)]
    assert titles == [f"Quarterly service review ({tenant.account.number})"]


def test_staff_feed_lists_the_meetings_of_the_accounts_they_serve(tenant, foreign, review):
    MeetingFactory(account=foreign.account, title="Foreign review")
    feed = services.calendar_feed_get_or_create(user=tenant.manager_user)

    content = Client().get(reverse("calendar_feed", args=[feed.token])).content
    assert [str(e["summary"]).split(" (")[0] for e in events(content)] == ["Quarterly service review"]


def test_feed_drops_old_one_off_meetings_but_keeps_running_series(tenant, review):
    MeetingFactory(account=tenant.account, title="Kick-off 2024", starts_at=denver(2024, 5, 1, 10))
    MeetingFactory(account=tenant.account, title="Old weekly", starts_at=denver(2024, 5, 1, 10), recurrence="WEEKLY")
    feed = services.calendar_feed_get_or_create(user=tenant.user)

    content = Client().get(reverse("calendar_feed", args=[feed.token])).content
    titles = {str(e["summary"]).split(" (")[0] for e in events(content)}
    assert titles == {"Quarterly service review", "Old weekly"}


def test_an_unknown_token_is_not_found(tenant):
    services.calendar_feed_get_or_create(user=tenant.user)
    assert Client().get(reverse("calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_a_disabled_users_feed_stops_working(tenant, review):
    feed = services.calendar_feed_get_or_create(user=tenant.user)
    tenant.user.is_active = False
    tenant.user.save(update_fields=["is_active"])

    assert Client().get(reverse("calendar_feed", args=[feed.token])).status_code == 404


def test_a_withdrawn_view_team_right_empties_the_feed(tenant, review):
    user = customer_user(tenant, username="was.reader")
    feed = services.calendar_feed_get_or_create(user=user)
    assert len(events(Client().get(reverse("calendar_feed", args=[feed.token])).content)) == 1
    user.memberships.update(can_view_team=False)

    assert events(Client().get(reverse("calendar_feed", args=[feed.token])).content) == []


def test_my_calendar_creates_shows_and_rotates_the_address(tenant, review):
    client = signed_in(tenant.user)
    url = reverse("my_calendar")

    first = client.get(url)
    assert "Create my calendar address" in first.content.decode()
    assert not CalendarFeed.objects.filter(user=tenant.user).exists()  # a GET creates nothing

    client.post(url)
    old = CalendarFeed.objects.get(user=tenant.user).token
    page = client.get(url).content.decode()
    assert f"http://testserver/calendar/{old}.ics" in page and f"webcal://testserver/calendar/{old}.ics" in page
    assert "Quarterly service review" in page

    response = client.post(url, follow=True)
    assert "the old one no longer works" in response.content.decode()
    new = CalendarFeed.objects.get(user=tenant.user).token
    assert new != old
    assert Client().get(reverse("calendar_feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=[new])).status_code == 200


def test_the_settings_page_links_to_the_calendar(tenant):
    html = signed_in(UserFactory(username="someone")).get(reverse("my_settings")).content.decode()
    assert reverse("my_calendar") in html
