"""The customer is told, in a real browser: clec.user raises an e-mail escalation, Dana Whitfield
(``service.manager``) acknowledges it naming the date by which the customer will be contacted, and
clec.user finds that date in the notice under the bell and in the e-mail.

Demo data: clec.user (Front Range Fiber, noc@frontrangefiber.example) raises on 7001-0001, whose
service manager is Dana, on the "US Mountain" calendar.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import Escalation
from teams.models import Person

from .nav import menu

pytestmark = pytest.mark.journey

SUBJECT = "Order 4471-A missed its due date"


def open_day_ahead(person: Person, days: int) -> dt.date:
    """The first day at least ``days`` ahead on which ``person``'s calendar is open."""
    calendar = person.calendar.spec()
    day = timezone.localdate(timezone.now(), calendar.zone) + dt.timedelta(days=days)
    while calendar.close_of_business(day) is None:
        day += dt.timedelta(days=1)
    return day


def test_customer_finds_the_promised_date_under_the_bell_and_in_the_email(
    demo, live_server, page, new_page, sign_in, eager_tasks, mailoutbox
):
    # --- clec.user raises an e-mail item; they follow it from the start ---------------------------
    sign_in(page, "clec.user")
    page.get_by_role("button", name="Raise an escalation for 7001-0001").click()
    page.get_by_label("How are you contacting us?").select_option(label="Email or letter")
    page.get_by_label("What is it about?").select_option(label="Order escalation")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_role("button", name="Raise").click()

    item = Escalation.objects.get(subject=SUBJECT)
    item_url = f"{live_server.url}/escalations/{item.pk}/"
    expect(page).to_have_url(item_url)
    expect(page.locator("#following-line")).to_have_text(re.compile(r"^You get notices about this item\."))
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    assert item.assignee.name == "Dana Whitfield"

    # --- Dana acknowledges it, naming the follow-up date ------------------------------------------
    follow_up = open_day_ahead(item.assignee, 3)
    in_words = f"{follow_up:%A} {follow_up.day} {follow_up:%B}"  # "Friday 4 December"
    staff = new_page()
    sign_in(staff, "service.manager")
    staff.goto(item_url)
    expect(staff.get_by_test_id("following")).to_have_count(0)  # staff do not follow
    expect(staff.locator("#follow_up_on")).to_have_attribute("required", "")
    staff.locator("#follow_up_on").fill(follow_up.isoformat())
    staff.get_by_label("Comment (the customer will read this)").fill("Provisioning is checking the order.")
    staff.get_by_role("button", name="Acknowledge").click()
    expect(staff.locator(".messages")).to_contain_text(
        f"Escalation #{item.pk} acknowledged; the customer was told you will reply by {in_words}."
    )
    expect(staff.locator("#item-status")).to_have_text("Acknowledged")

    # --- clec.user: the bell counts it, the notice names the date and links to the item ---------
    page.goto(f"{live_server.url}/")
    bell = menu(page).locator("a.bell")
    expect(bell).to_have_attribute("aria-label", re.compile(r"Notifications, [1-9]\d* unread"))
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    notice = page.locator("li.notification").filter(has_text=f"#{item.pk} Acknowledged")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(f"Dana Whitfield acknowledged it. You will be contacted by {in_words}.")
    expect(notice).to_contain_text("Provisioning is checking the order.")
    notice.get_by_role("link", name=f"#{item.pk} Acknowledged").click()
    expect(page).to_have_url(item_url)
    expect(page.locator("#item-status")).to_have_text("Acknowledged")

    # --- ... and so does the e-mail -----------------------------------------------------------------
    [message] = [m for m in mailoutbox if m.to == ["noc@frontrangefiber.example"] and "Acknowledged" in m.subject]
    assert message.subject.endswith(f"#{item.pk} Acknowledged")
    assert f"You will be contacted by {in_words}." in message.body
    assert f"/escalations/{item.pk}/" in message.body
