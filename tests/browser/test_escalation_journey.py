"""An escalation in a real browser: the customer raises it from the team page, the service
manager acknowledges it, the customer sees the change and comments on it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from escalations.models import Escalation
from teams.models import Account

from .nav import menu

pytestmark = pytest.mark.journey

SCREENSHOT = settings.BASE_DIR / "var" / "screenshots" / "escalation-item.png"
SUBJECT = "T1 to Golden CO down since 09:00"
COMMENT = "Still down at our end; the circuit ID is 101/T1/GOLDEN/0042."


def timeline_entry(page, kind, actor):
    """The timeline item whose line reads "<kind> by <actor>" (or "Comment from <actor>")."""
    return page.locator("ol.timeline li").filter(
        has_text=re.compile(rf"{re.escape(kind)}\s+(?:by|from)\s+{re.escape(actor)}")
    )


def test_customer_raises_manager_acknowledges_customer_comments(demo, live_server, page, new_page, sign_in):
    # --- The customer raises a voicemail escalation from the team page ---------------------------
    sign_in(page, "clec.user")
    # An <a role="button">: Pico styles it as a button, so that is its accessible role.
    page.get_by_role("button", name="Raise an escalation for 7001-0001").click()
    expect(page.get_by_role("heading", name="Raise an escalation")).to_be_visible()
    expect(page.get_by_label("Account")).to_have_value(str(Account.objects.get(number="7001-0001").pk))
    page.get_by_label("How are you contacting us?").select_option(label="Voicemail")
    # An expedite, not a repair: out of hours a repair would go to the duty manager.
    page.get_by_label("What is it about?").select_option(label="Expedite")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_role("button", name="Raise").click()

    item = Escalation.objects.get(subject=SUBJECT)
    item_url = f"{live_server.url}/escalations/{item.pk}/"
    expect(page).to_have_url(item_url)
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"Escalation #{item.pk} raised and assigned to Dana Whitfield.")
    expect(page.locator("#item-status")).to_have_text("New")
    expect(page.locator("#item-assignee")).to_have_text("Dana Whitfield")
    # Voicemail in the office: returned within 4 business hours, shown in the customer's zone.
    assert item.due_at is not None and item.policy_due == 4 and item.policy_unit == "hours"
    assert item.due_at >= item.received_at + dt.timedelta(hours=4)
    shown_due = dateformat.format(timezone.localtime(item.due_at, ZoneInfo(settings.TIME_ZONE)), "D j M Y, H:i T")
    expect(page.locator("#item-due")).to_have_text(shown_due)
    expect(page.locator("main")).to_contain_text("Voicemail · Expedite")
    expect(timeline_entry(page, "Raised", "clec.user")).to_have_count(1)
    # Customers see no staff actions.
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    assert item.status == "new" and item.channel == "voicemail" and item.category == "expedite"

    # Signing out through the user menu ends the session.
    menu(page).locator("details.dropdown > summary").click()
    page.get_by_role("button", name="Sign out").click()
    response = page.goto(item_url)
    assert response is not None
    expect(page).to_have_url(re.compile(r"/auth/login/"))

    # --- The service manager acknowledges it -----------------------------------------------------
    staff = new_page()
    sign_in(staff, "service.manager")
    staff.goto(f"{live_server.url}/escalations/")
    expect(staff.get_by_role("heading", name="Escalations")).to_be_visible()
    staff.locator("#rows").get_by_role("link", name=SUBJECT).click()
    expect(staff).to_have_url(item_url)
    expect(staff.locator("#item-status")).to_have_text("New")
    # A voicemail needs no promised follow-up date.
    expect(staff.locator("#follow_up_on")).not_to_have_attribute("required", re.compile(".*"))
    staff.get_by_role("button", name="Acknowledge").click()

    expect(staff).to_have_url(item_url)
    expect(staff.locator(".messages")).to_contain_text(re.compile(r"Escalation #\d+ acknowledged\."))
    expect(staff.locator("#item-status")).to_have_text("Acknowledged")
    expect(timeline_entry(staff, "Acknowledged", "Dana Whitfield")).to_have_count(1)
    expect(staff.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(staff.locator("body")).not_to_contain_text("{{")
    expect(staff.locator("body")).not_to_contain_text("{%")
    item.refresh_from_db()
    assert item.status == "acknowledged" and item.first_response_at is not None

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.exists() and SCREENSHOT.stat().st_size > 0

    # --- The customer sees the acknowledgement and comments ---------------------------------------
    customer = new_page()
    sign_in(customer, "clec.user")
    customer.goto(item_url)
    expect(customer.locator("#item-status")).to_have_text("Acknowledged")
    expect(timeline_entry(customer, "Raised", "clec.user")).to_have_count(1)
    expect(timeline_entry(customer, "Acknowledged", "Dana Whitfield")).to_have_count(1)
    expect(customer.locator("ol.timeline li.internal")).to_have_count(0)

    customer.get_by_label("Add a comment").fill(COMMENT)
    customer.get_by_role("button", name="Add", exact=True).click()
    expect(customer).to_have_url(item_url)
    expect(customer.locator(".messages")).to_contain_text(re.compile(r"Comment added to escalation #\d+\."))
    comment = timeline_entry(customer, "Comment", "clec.user")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text(COMMENT)
    expect(customer.locator("#item-status")).to_have_text("Acknowledged")
