"""Dates and text in the dossier have bounds: a meeting dated 9999-12-31 is refused everywhere it
can be entered (API, pages, back office), and one stored around the validation breaks neither
the dossier nor any calendar."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accountteam import bounds
from dossiers import services
from dossiers.ical import meetings_ics
from dossiers.models import AccountProfile, Meeting
from tests.clients import api_as as api
from tests.clients import signed_in
from tests.conftest import clock_at
from tests.dossiers.factories import MeetingFactory, denver, save

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 10, 0)
clock = clock_at(NOW, autouse=True)
OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."


def meetings_url(account, rest=""):
    return f"/api/v1/accounts/{account.pk}/dossier/meetings/{rest}"


def events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


@pytest.mark.parametrize(
    "change, field",
    [
        ({"starts_at": "9999-12-31T23:30:00Z"}, "starts_at"),
        ({"starts_at": "2101-01-02T00:00:00Z"}, "starts_at"),
        ({"starts_at": "1999-12-31T10:00:00-07:00"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:30:00-07:00"}, "starts_at"),  # not even a time in UTC
        ({"recurrence": "WEEKLY", "repeat_until": "9999-12-31"}, "repeat_until"),
        ({"duration_minutes": 2_000_000_000}, "duration_minutes"),
    ],
)
def test_the_api_refuses_a_meeting_outside_the_bounds(tenant, change, field):
    body = {"title": "Review", "starts_at": "2026-02-03T10:00:00-07:00"} | change
    response = api(tenant.manager_user).post(meetings_url(tenant.account), body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not Meeting.objects.exists()


def test_the_last_day_of_the_bounds_is_accepted(tenant):
    body = {"title": "Review", "starts_at": "2100-12-31T10:00:00-07:00", "recurrence": "YEARLY",
            "repeat_until": "2100-12-31", "duration_minutes": bounds.MAX_MEETING_MINUTES}
    response = api(tenant.manager_user).post(meetings_url(tenant.account), body, format="json")

    assert response.status_code == 201, response.content


@pytest.fixture
def stored_past_the_bounds(tenant):
    """Meetings written straight to the table, around every validation (an old row, a script)."""
    last = MeetingFactory(
        account=tenant.account, title="End of time", starts_at=dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC),
        duration_minutes=90, recurrence="WEEKLY", repeat_until=dt.date(9999, 12, 31), people=[tenant.manager],
    )
    first = MeetingFactory(
        account=tenant.account, title="Dawn of time", starts_at=dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
        recurrence="MONTHLY", repeat_until=dt.date(1, 1, 1),
    )
    return last, first


def test_a_meeting_stored_past_the_bounds_has_an_end_and_a_calendar_entry(stored_past_the_bounds):
    last, first = stored_past_the_bounds
    assert last.ends_at == dt.datetime.max.replace(tzinfo=dt.UTC)

    by_title = {str(e["summary"]).split(" (")[0]: e for e in events(meetings_ics([last, first], stamp=NOW))}
    end, dawn = by_title["End of time"], by_title["Dawn of time"]
    assert end.decoded("dtstart") == dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert end.decoded("dtend") >= end.decoded("dtstart")
    assert end["rrule"]["UNTIL"][0].year == 9999
    assert dawn.decoded("dtstart") == dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert dawn["rrule"]["UNTIL"][0].date() == dt.date(1, 1, 2)  # the end of that day in Denver


def test_a_meeting_stored_past_the_bounds_breaks_neither_the_dossier_nor_the_calendars(tenant, stored_past_the_bounds):
    last, first = stored_past_the_bounds
    first.delete()  # pages show times on the viewer's clock: year 1 has none west of Greenwich
    staff = api(tenant.manager_user)

    dossier = staff.get(f"/api/v1/accounts/{tenant.account.pk}/dossier/")
    assert dossier.status_code == 200
    (meeting,) = dossier.json()["meetings"]
    assert meeting["starts_at"].startswith("9999-12-31")
    assert staff.get(meetings_url(tenant.account, f"{last.pk}/ics/")).status_code == 200
    assert signed_in(tenant.manager_user).get(reverse("meeting_ics", args=[last.pk])).status_code == 200
    assert signed_in(tenant.manager_user).get(reverse("dossier", args=[tenant.account.pk])).status_code == 200
    assert signed_in(tenant.manager_user).get(reverse("my_calendar")).status_code == 200
    feed = services.calendar_feed_get_or_create(user=tenant.manager_user)
    response = Client().get(reverse("calendar_feed", args=[feed.token]))
    assert response.status_code == 200 and len(events(response.content)) == 1


def test_a_series_stored_from_the_first_year_still_makes_a_feed(tenant, stored_past_the_bounds):
    MeetingFactory(account=tenant.account, title="Forever", starts_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
                   recurrence="WEEKLY")  # still running: in the feed (the series of year 1 alone ended)
    feed = services.calendar_feed_get_or_create(user=tenant.manager_user)
    response = Client().get(reverse("calendar_feed", args=[feed.token]))

    assert response.status_code == 200
    assert sorted(str(e["summary"]).split(" (")[0] for e in events(response.content)) == ["End of time", "Forever"]


def test_the_meeting_form_offers_and_checks_the_bounds(tenant):
    client = signed_in(tenant.manager_user)
    form_url = reverse("dossier_part_create", args=[tenant.account.pk, "meetings"])
    html = client.get(form_url).content.decode()
    assert 'min="2000-01-01T00:00" max="2100-12-31T23:59"' in html
    assert 'min="2000-01-01" max="2100-12-31"' in html
    assert 'maxlength="4000"' in html  # the notes

    response = client.post(form_url, {
        "kind": "service_review", "title": "Review", "starts_at": "9999-12-31T23:30", "duration_minutes": 60,
        "recurrence": "",
    })
    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [OUT_OF_BOUNDS]}
    assert not Meeting.objects.exists()


def test_the_back_office_refuses_a_meeting_outside_the_bounds(admin_client, tenant):
    response = admin_client.post(reverse("admin:dossiers_meeting_add"), {
        "account": tenant.account.pk, "kind": "service_review", "title": "Review",
        "starts_at_0": "2101-01-01", "starts_at_1": "10:00:00", "duration_minutes": 60, "recurrence": "",
        "created_at_0": "2026-01-13", "created_at_1": "10:00:00",
    })

    assert response.status_code == 200
    assert OUT_OF_BOUNDS in response.content.decode()
    assert not Meeting.objects.exists()


def test_profile_texts_have_a_limit_in_the_api(tenant):
    client = api(tenant.manager_user)
    url = f"/api/v1/accounts/{tenant.account.pk}/dossier/"

    too_long = client.patch(url, {"sales_objectives": "x" * 20_001, "company_profile": "y" * 20_001}, format="json")
    assert too_long.status_code == 400
    assert set(too_long.json()) == {"sales_objectives", "company_profile"}
    assert not AccountProfile.objects.exists()
    assert client.patch(url, {"sales_objectives": "x" * 20_000}, format="json").status_code == 200


def test_the_services_refuse_too_long_texts_under_their_fields(tenant):
    with pytest.raises(Exception) as refused:
        save(tenant.manager_user, tenant.account, "meetings", Meeting(), title="Review", starts_at=NOW,
             notes="n" * 4_001)
    assert refused.value.message_dict == {"notes": ["At most 4,000 characters (this has 4,001)."]}
    with pytest.raises(Exception) as refused:
        services.company_profile_update(actor=tenant.manager_user, account=tenant.account, profile="p" * 20_001)
    assert list(refused.value.message_dict) == ["company_profile"]
