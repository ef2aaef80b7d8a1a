"""Network notices in calendars: the .ics download of a window, and the notices in each user's
subscribed feed (dossiers' feed, which takes them from ``dossiers.feeds`` without importing
maintenance), each user's own only."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from dossiers.feeds import EXTRA_SOURCES
from dossiers.services import calendar_feed_get_or_create
from maintenance import services
from maintenance.ical import feed_events
from maintenance.models import Status
from tests.clients import signed_in as login

from .factories import GCR, publish_maintenance

pytestmark = pytest.mark.django_db


def events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_the_download_is_the_window_in_utc(tenant, maintenance):
    response = login(tenant.user).get(f"/maintenance/{maintenance.pk}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{GCR}.ics"'
    (event,) = events(response.content)
    assert event.decoded("dtstart") == dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
    assert str(event["summary"]) == f"Planned maintenance {GCR}: Core router upgrade, Denver POP"
    assert str(event["uid"]) == f"network-notice-{maintenance.pk}@accountteam"
    assert str(event["status"]) == "CONFIRMED" and tenant.account.number in str(event["description"])


def test_a_change_is_a_later_version_and_a_cancel_says_so(tenant, maintenance):
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Off",
                           now=maintenance.published_at + dt.timedelta(hours=1))

    (event,) = events(login(tenant.user).get(f"/maintenance/{maintenance.pk}.ics").content)

    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 3600


def test_an_outage_under_way_ends_now_in_the_calendar(tenant, outage):
    (event,) = events(login(tenant.user).get(f"/maintenance/{outage.pk}.ics").content)

    assert event.decoded("dtend") == dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)


def test_the_feed_carries_the_users_notices_only(tenant, foreign, admin, maintenance):
    publish_maintenance(admin.user, [foreign.account], reference="GCR-FOREIGN")
    cancelled = publish_maintenance(admin.user, [tenant.account], reference="GCR-OFF")
    services.notice_cancel(actor=admin.user, notice=cancelled, reason="Off")
    feed = calendar_feed_get_or_create(user=tenant.user)

    response = Client().get(reverse("calendar_feed", args=[feed.token]))

    assert response.status_code == 200
    summaries = [str(e["summary"]) for e in events(response.content)]
    assert summaries == [f"Planned maintenance {GCR}: Core router upgrade, Denver POP"]


def test_the_feed_source_is_registered_by_the_app():
    assert feed_events in EXTRA_SOURCES


def test_staff_feeds_carry_every_notice(tenant, foreign, admin, maintenance):
    publish_maintenance(admin.user, [foreign.account], reference="GCR-FOREIGN")

    assert len(feed_events(tenant.manager_user)) == 2
    assert maintenance.status == Status.SCHEDULED
