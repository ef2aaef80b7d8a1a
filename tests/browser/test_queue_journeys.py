"""The queue in a real browser: the service manager works rows in place (a date typed into the
row, a click, a keyboard shortcut) without a page load; the director reassigns an overdue item
from the dashboard.

Items are raised through ``escalations.services`` by the demo customer ``clec.user`` on Front
Range Fiber's account 7001-0001, whose service manager is Dana Whitfield (``service.manager``),
who reports to Marcus Oyelaran (``service.director``).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from escalations import services
from escalations.models import Escalation, Event
from teams.models import Account, Person

DENVER = ZoneInfo("America/Denver")  # Dana's calendar, "US Mountain"


def raise_as_customer(*, channel, category, subject, ago=dt.timedelta(0)):
    """Raise an item on 7001-0001 as clec.user, ``ago`` before now (older items sort first)."""
    return services.escalation_create(
        actor=get_user_model().objects.get(username="clec.user"),
        account=Account.objects.get(number="7001-0001"),
        channel=channel,
        category=category,
        subject=subject,
        now=timezone.now() - ago,
    )


def row(page, item):
    return page.locator(f"#row-{item.pk}")


def test_service_manager_acknowledges_in_place_and_records_a_response_by_keyboard(demo, live_server, page, sign_in):
    # A week old, its deadline long past: the first row. The letter's deadline is later.
    pager = raise_as_customer(
        channel="pager", category="expedite", subject="DS3 to Boulder CO bouncing", ago=dt.timedelta(days=7)
    )
    letter = raise_as_customer(channel="email", category="order_escalation", subject="Order 4471-A missed its date")
    assert pager.assignee.name == letter.assignee.name == "Dana Whitfield"

    sign_in(page, "service.manager")
    page.get_by_role("link", name="My queue").click()
    expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    rows = page.locator("#queue-table tr.q-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_id(f"row-{pager.pk}")
    expect(row(page, pager)).to_have_class("q-row state-overdue")
    expect(page.locator('[data-count="all"]')).to_have_text("2")
    page.evaluate("() => { window.__marker = 'still here'; }")

    # --- The letter: its acknowledgement needs the follow-up date, typed into the row ---------------
    letter_row = row(page, letter)
    expect(letter_row.locator(".status")).to_have_text("New")
    follow_up = timezone.localdate(timezone.now(), DENVER) + dt.timedelta(days=3)
    date_input = letter_row.get_by_label(f"Follow-up by (item {letter.pk})")
    expect(date_input).to_have_attribute("required", "")
    date_input.fill(follow_up.isoformat())
    letter_row.get_by_role("button", name="Acknowledge").click()

    letter_row = row(page, letter)  # swapped in place (outerHTML)
    expect(letter_row.locator(".status")).to_have_text("Acknowledged")
    in_words = f"{follow_up:%A} {follow_up.day} {follow_up:%B}"
    expect(letter_row.get_by_role("status")).to_have_text(
        f"Escalation #{letter.pk} acknowledged; the customer was told you will reply by {in_words}."
    )
    expect(letter_row.get_by_role("button", name="Acknowledge")).to_have_count(0)
    assert page.evaluate("() => window.__marker") == "still here"  # no page load
    letter.refresh_from_db()
    assert (letter.status, letter.follow_up_on) == ("acknowledged", follow_up)
    assert Event.objects.filter(escalation=letter, kind="acknowledged").count() == 1

    # --- The pager item by keyboard: j moves to the first row, r records the response ---------------
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("j")
    expect(row(page, pager)).to_be_focused()
    page.keyboard.press("r")
    pager_row = row(page, pager)
    expect(pager_row.get_by_role("status")).to_have_text(f"Response to escalation #{pager.pk} recorded.")
    expect(pager_row.locator(".status")).to_have_text("In progress")
    expect(pager_row).to_have_class("q-row state-on_track")  # answered: no deadline left
    expect(pager_row).to_be_focused()  # the swapped row keeps the focus
    assert page.evaluate("() => window.__marker") == "still here"
    pager.refresh_from_db()
    assert pager.status == "in_progress" and pager.first_response_at is not None
    assert list(Event.objects.filter(escalation=pager).values_list("kind", flat=True)) == ["raised", "responded"]
    expect(rows).to_have_count(2)
    expect(page.locator("body")).not_to_contain_text("{{")


def test_director_sees_an_overdue_item_on_the_dashboard_and_reassigns_it(demo, live_server, page, sign_in):
    overdue = raise_as_customer(
        channel="pager", category="expedite", subject="T1 to Golden CO down", ago=dt.timedelta(days=7)
    )
    on_time = raise_as_customer(channel="email", category="order_escalation", subject="Letter received today")
    assert overdue.assignee.name == "Dana Whitfield" and overdue.is_overdue()
    luis = Person.objects.get(name="Luis Ortega")  # reports to the same director

    sign_in(page, "service.director")
    page.get_by_role("link", name="Review").click()
    expect(page).to_have_url(f"{live_server.url}/review/")
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__marker = 'still here'; }")

    item_row = page.locator(f"#item-{overdue.pk}")
    expect(item_row).to_have_class("overdue")
    expect(item_row).to_contain_text(overdue.subject)
    expect(item_row).to_contain_text("Dana Whitfield")
    expect(item_row).to_contain_text("overdue by")
    expect(page.locator(f"#item-{on_time.pk}")).to_have_count(0)  # neither overdue nor at risk
    expect(page.locator(".review-totals")).to_contain_text("1 overdue")

    item_row.get_by_label(f"New assignee for #{overdue.pk}").select_option(label="Luis Ortega")
    item_row.get_by_label(f"Reason for reassigning #{overdue.pk}").fill("Dana is in the Boulder outage")
    item_row.get_by_role("button", name="Reassign").click()

    expect(page.locator(".messages")).to_contain_text(f"#{overdue.pk} “{overdue.subject}” is now with Luis Ortega.")
    item_row = page.locator(f"#item-{overdue.pk}")  # still the group's, still overdue: now Luis's
    expect(item_row).to_contain_text("Luis Ortega")
    expect(
        item_row.get_by_label(f"New assignee for #{overdue.pk}").locator("option", has_text="Luis Ortega")
    ).to_have_count(0)
    assert page.evaluate("() => window.__marker") == "still here"  # swapped in place

    overdue = Escalation.objects.get(pk=overdue.pk)
    assert overdue.assignee == luis
    event = Event.objects.get(escalation=overdue, kind="reassigned")
    assert (event.comment, event.data["from"], event.data["to"]) == (
        "Dana is in the Boulder outage",
        "Dana Whitfield",
        "Luis Ortega",
    )
    assert event.actor.username == "service.director"
