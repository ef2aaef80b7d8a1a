"""The demo's published post-mortem TR-88214 tells one story: its summary's times are the event's
times in the demo's zone (whenever the demo is seeded, across daylight-saving changes too), the page
shows the same times, and the compliance report measures a real first response for it."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.postmortems import outage_summary
from postmortems.models import PostMortem
from tests.clients import signed_in

pytestmark = pytest.mark.django_db

DENVER = zoneinfo.ZoneInfo("America/Denver")


def local(instant, zone=None) -> str:
    return f"{instant.astimezone(zone or timezone.get_default_timezone()):%H:%M}"


@pytest.mark.parametrize(
    "seeded_at",
    [
        dt.datetime(2026, 1, 20, 15, 0, tzinfo=DENVER),  # winter (MST)
        dt.datetime(2026, 7, 20, 2, 30, tzinfo=DENVER),  # summer (MDT), in the small hours
        dt.datetime(2026, 3, 17, 12, 0, tzinfo=DENVER),  # nine days after the switch to MDT
    ],
)
def test_the_summary_names_the_events_own_times_in_the_demo_zone(seeded_at):
    with time_machine.travel(seeded_at, tick=False):
        call_command("seed_demo")

    pm = PostMortem.objects.get(ticket_number="TR-88214")
    zone = timezone.get_default_timezone()
    start, end = pm.event_start.astimezone(zone), pm.event_end.astimezone(zone)
    assert (start.hour, start.minute) == (6, 10)
    assert end - start == dt.timedelta(hours=11, minutes=20)
    summary = pm.versions.get().summary
    assert summary == pm.summary
    assert f"at {local(start)} {start.tzname()} on {start:%A} {start.day} {start:%B}" in summary
    assert f"restored at {local(end)} {end.tzname()}" in summary
    assert re.findall(r"\b\d\d:\d\d\b", summary) == [local(start), local(end)]
    assert "11 h 20 min" in pm.impact


def test_the_page_shows_the_times_the_summary_gives():
    call_command("seed_demo")
    pm = PostMortem.objects.get(ticket_number="TR-88214")
    customer = pm.requested_by

    html = signed_in(customer).get(reverse("postmortem_detail", args=[pm.pk])).content.decode()

    start, end = local(pm.event_start), local(pm.event_end)
    event = re.search(r'<th scope="row">Event</th><td>(.*?)<strong', html, re.S).group(1)
    assert re.findall(r"\b\d\d:\d\d\b", event) == [start, end]  # the demo users read the demo's zone
    analysis = html.split('data-testid="published-analysis"', 1)[1]
    assert f"failed together at {start} " in analysis and f"restored at {end} " in analysis


def test_the_summary_is_written_from_the_instants_it_is_given():
    start = dt.datetime(2026, 3, 3, 13, 10, tzinfo=dt.UTC)  # 06:10 MST

    assert outage_summary(start, start + dt.timedelta(hours=11, minutes=20), DENVER) == (
        "DS3 101 and its protect path failed together at 06:10 MST on Tuesday 3 March and were restored at "
        "17:30 MST, 11 h 20 min later."
    )
    overnight = outage_summary(start, start + dt.timedelta(hours=20), DENVER)
    assert "restored at 02:10 MST on Wednesday 4 March" in overnight


def test_the_demo_post_mortem_has_a_first_response_after_its_request():
    call_command("seed_demo")
    tracking = PostMortem.objects.get(ticket_number="TR-88214").tracking

    assert tracking.first_response_at - tracking.received_at == dt.timedelta(hours=2, minutes=5)
