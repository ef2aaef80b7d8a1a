"""The post-mortem request form's live duration hint in a real browser: after a refused submit the
server's error is the only one said (the hint keeps quiet, no green "eligible" beside red errors);
once a date is changed the stale error goes and the hint speaks again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from playwright.sync_api import expect

from teams.models import Account

pytestmark = pytest.mark.journey

DENVER = ZoneInfo(settings.TIME_ZONE)  # the demo users' zone


def local(instant: dt.datetime) -> str:
    return instant.astimezone(DENVER).strftime("%Y-%m-%dT%H:%M")


def test_a_refused_date_is_said_once_and_the_hint_returns_when_a_date_changes(demo, live_server, page, sign_in):
    account = Account.objects.get(number="7001-0001")
    restored = (dt.datetime.now(DENVER) - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    sign_in(page, "clec.user")
    page.goto(f"{live_server.url}/postmortems/request/")
    page.get_by_label("Account").select_option(str(account.pk))
    page.get_by_label("Trouble report / ticket number").fill("FRF-1")
    page.get_by_label("Circuit or service identifier").fill("DS3 1")
    page.get_by_label("Event started").fill(local(restored))
    page.get_by_label("Service restored").fill(local(restored - dt.timedelta(hours=2)))
    page.get_by_label("Impact on your business").fill("No dial tone.")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_test_id("error-event_end")).to_have_text("The event must end after it starts.")
    expect(page.get_by_text("The event must end after it starts.")).to_have_count(1)
    hint = page.get_by_test_id("duration-hint")
    expect(hint).not_to_contain_text("eligible")
    expect(hint).not_to_contain_text("must end after it starts")

    page.get_by_label("Event started").fill(local(restored - dt.timedelta(hours=11)))

    expect(page.get_by_test_id("error-event_end")).to_have_count(0)
    expect(hint).to_contain_text("9 h 00 min: eligible")
    expect(page.get_by_text("The event must end after it starts.")).to_have_count(0)
