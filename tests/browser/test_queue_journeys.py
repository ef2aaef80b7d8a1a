"""The queue in a real browser: the service manager works items without a page load, from a row's
menu, the side panel (a date typed into its form) and the keyboard (a response, a resolution with
its confirmation and its Undo); the director reassigns an overdue item from the dashboard's one
reassign control.

Items are raised through ``escalations.services`` by the demo customer ``clec.user`` on Front
Range Fiber's account 7001-0001, whose service manager is Dana Whitfield (``service.manager``),
who reports to Marcus Oyelaran (``service.director``).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from escalations import services
from escalations.models import Escalation, Event
from teams.models import Account, Person

from .audit import audit
from .nav import menu

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


@pytest.mark.journey
def test_service_manager_works_items_from_the_side_panel_and_by_keyboard(demo, live_server, page, sign_in, screen):
    # A week old, its deadline long past: the first row. The letter's deadline is later.
    pager = raise_as_customer(
        channel="pager", category="expedite", subject="DS3 to Boulder CO bouncing", ago=dt.timedelta(days=7)
    )
    letter = raise_as_customer(channel="email", category="order_escalation", subject="Order 4471-A missed its date")
    assert pager.assignee.name == letter.assignee.name == "Dana Whitfield"

    sign_in(page, "service.manager")
    menu(page).get_by_role("link", name="My queue").click()
    expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    rows = page.locator("#queue-table tr.q-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_id(f"row-{pager.pk}")
    expect(row(page, pager)).to_have_class("q-row state-overdue")
    expect(row(page, pager).locator(".q-state")).to_have_text("✖︎ Overdue")  # a symbol and a word
    expect(page.locator('[data-count="all"]')).to_have_text("2")
    if screen == "desktop":
        # One line an item: every row one line high, whatever its subject or menu.
        heights = rows.evaluate_all("rows => rows.map(r => Math.round(r.getBoundingClientRect().height))")
        assert max(heights) < 48 and max(heights) - min(heights) <= 2, heights
    else:
        # On a phone each item is a card as wide as the screen, its cells stacked.
        widths = rows.evaluate_all("rows => rows.map(r => Math.round(r.getBoundingClientRect().width))")
        assert all(300 < w <= 390 for w in widths), widths
    page.evaluate("() => { window.__marker = 'still here'; }")
    panel = page.locator("#queue-panel")
    expect(panel).to_be_hidden()

    # --- The letter: its menu opens the acknowledgement's form in the side panel --------------------
    letter_row = row(page, letter)
    expect(letter_row.locator(".status")).to_have_text("New")
    letter_row.get_by_label(f"Actions for item {letter.pk}").click()
    letter_row.get_by_role("link", name="Acknowledge…").click()
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", level=2)).to_contain_text(letter.subject)
    date_input = panel.get_by_label("Follow-up by (required)")
    expect(date_input).to_be_focused()
    expect(date_input).to_have_attribute("required", "")
    # Three days out, moved to the next day Dana works (a follow-up is refused on a closed day).
    calendar = letter.assignee.calendar_spec
    follow_up = timezone.localdate(timezone.now(), DENVER) + dt.timedelta(days=3)
    while calendar.opening_of_business(follow_up) is None:
        follow_up += dt.timedelta(days=1)
    date_input.fill(follow_up.isoformat())
    panel.get_by_role("button", name="Acknowledge", exact=True).click()

    in_words = f"{follow_up:%A} {follow_up.day} {follow_up:%B}"
    told = f"Escalation #{letter.pk} acknowledged; the customer was told you will reply by {in_words}."
    expect(panel.locator(".q-feedback")).to_have_text(told)
    expect(panel.locator('[data-testid="panel-status"]')).to_have_text("Acknowledged")
    expect(panel.locator(".timeline")).to_contain_text(f"Acknowledged by Dana Whitfield; follow-up by {in_words}")
    letter_row = row(page, letter)  # swapped out of band
    expect(letter_row.locator(".status")).to_have_text("Acknowledged")
    expect(letter_row.get_by_role("link", name="Acknowledge…", include_hidden=True)).to_have_count(0)
    assert page.evaluate("() => window.__marker") == "still here"  # no page load
    letter.refresh_from_db()
    assert (letter.status, letter.follow_up_on) == ("acknowledged", follow_up)
    assert Event.objects.filter(escalation=letter, kind="acknowledged").count() == 1
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()

    # --- The pager item by keyboard: j moves to the first row, r records the response ---------------
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("j")
    expect(row(page, pager)).to_be_focused()
    page.keyboard.press("r")
    pager_row = row(page, pager)
    expect(page.locator("#queue-feedback")).to_contain_text(f"Response to escalation #{pager.pk} recorded.")
    expect(pager_row.locator(".status")).to_have_text("In progress")
    expect(pager_row).to_have_class("q-row state-on_track")  # answered: no deadline left
    expect(pager_row).to_be_focused()  # the swapped row keeps the focus
    assert page.evaluate("() => window.__marker") == "still here"
    pager.refresh_from_db()
    assert pager.status == "in_progress" and pager.first_response_at is not None
    assert list(Event.objects.filter(escalation=pager).values_list("kind", flat=True)) == ["raised", "responded"]

    # Enter opens it in the panel, with its timeline; Escape closes it and the row has the focus again.
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(panel.locator(".timeline")).to_contain_text("Response recorded by Dana Whitfield")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(row(page, pager)).to_be_focused()

    # --- s resolves, after a confirmation; Undo takes it back ---------------------------------------
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.keyboard.press("s")
    expect(row(page, pager).locator(".status")).to_have_text("In progress")  # declined: nothing sent
    pager.refresh_from_db()
    assert pager.status == "in_progress"
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.keyboard.press("s")
    expect(row(page, pager)).to_have_class("q-row gone")
    expect(row(page, pager)).to_contain_text("has left your queue")
    assert questions == [f"Resolve escalation #{pager.pk}? The customer is told it is resolved."]
    feedback = page.locator("#queue-feedback")
    expect(feedback).to_contain_text(f"Escalation #{pager.pk} resolved.")
    expect(row(page, letter)).to_be_focused()  # the focus moves on to the next item
    pager.refresh_from_db()
    assert pager.status == "resolved"
    feedback.get_by_role("button", name="Undo").click()
    expect(feedback).to_contain_text(f"Escalation #{pager.pk} is open again; its resolution was undone.")
    expect(row(page, pager)).to_have_class("q-row state-on_track")  # the list refreshed: it is back
    expect(rows).to_have_count(2)
    pager.refresh_from_db()
    assert (pager.status, pager.resolved_at) == ("in_progress", None)
    assert page.evaluate("() => window.__marker") == "still here"
    expect(page.locator("body")).not_to_contain_text("{{")


@pytest.mark.journey
def test_the_keyboard_opens_forms_in_the_panel_and_resolves_there_with_an_undo(demo, live_server, page, sign_in):
    pager = raise_as_customer(channel="pager", category="expedite", subject="T1 down", ago=dt.timedelta(days=2))
    letter = raise_as_customer(channel="email", category="order_escalation", subject="Letter about 4471")
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    panel = page.locator("#queue-panel")

    # The help, on the page and behind "?".
    help_ = page.locator("#queue-shortcuts")
    expect(help_).not_to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(help_).to_have_attribute("open", "")
    expect(help_).to_contain_text("resolve (asks first; you can undo it for 10 minutes)")
    page.keyboard.press("?")

    # The arrows move too; "a" on a letter opens its acknowledgement in the panel, the date first.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowDown")
    expect(row(page, pager)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(row(page, letter)).to_be_focused()
    page.keyboard.press("a")
    expect(panel).to_be_visible()
    expect(panel.get_by_label("Follow-up by (required)")).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(row(page, letter)).to_be_focused()

    # "n" opens the note's form; the note is added from the panel.
    page.keyboard.press("k")
    expect(row(page, pager)).to_be_focused()
    page.keyboard.press("n")
    note = panel.get_by_label("Note (staff only)")
    expect(note).to_be_focused()
    note.fill("Vendor ticket 8812")
    panel.get_by_role("button", name="Add the note").click()
    expect(panel.locator(".q-feedback")).to_have_text(f"Internal note added to escalation #{pager.pk}.")
    expect(panel.locator(".timeline")).to_contain_text("Vendor ticket 8812")

    # Resolving in the panel asks first; its Undo is in the panel.
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Resolve").click()
    expect(panel.locator(".q-feedback")).to_contain_text(f"Escalation #{pager.pk} resolved.")
    expect(row(page, pager)).to_have_class("q-row gone")
    panel.locator(".q-feedback").get_by_role("button", name="Undo").click()
    expect(panel.locator(".q-feedback")).to_contain_text("is open again; its resolution was undone.")
    expect(panel.locator(".timeline")).to_contain_text("Resolution undone by Dana Whitfield")
    expect(row(page, pager)).to_have_class("q-row state-overdue")  # its row is back, out of band
    pager.refresh_from_db()
    assert (pager.status, pager.resolved_at) == ("new", None)


@pytest.mark.journey
def test_director_sees_an_overdue_item_on_the_dashboard_and_reassigns_it(demo, live_server, page, sign_in):
    overdue = raise_as_customer(
        channel="pager", category="expedite", subject="T1 to Golden CO down", ago=dt.timedelta(days=7)
    )
    on_time = raise_as_customer(channel="email", category="order_escalation", subject="Letter received today")
    assert overdue.assignee.name == "Dana Whitfield" and overdue.is_overdue()
    luis = Person.objects.get(name="Luis Ortega")  # reports to the same director

    sign_in(page, "service.director")
    menu(page).get_by_role("link", name="Review").click()
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

    # One control for the list: tick the row, choose the person once, send.
    expect(page.locator('select[name="assignee"]')).to_have_count(1)
    item_row.get_by_label(f"Tick #{overdue.pk} to reassign it").check()
    page.get_by_label("New assignee for the ticked items").select_option(label="Luis Ortega")
    page.get_by_label("Reason for reassigning the ticked items").fill("Dana is in the Boulder outage")
    page.locator("#review-reassign").get_by_role("button", name="Reassign").click()

    expect(page.locator(".messages")).to_contain_text(f"#{overdue.pk} “{overdue.subject}” is now with Luis Ortega.")
    item_row = page.locator(f"#item-{overdue.pk}")  # still the group's, still overdue: now Luis's
    expect(item_row).to_contain_text("Luis Ortega")
    expect(item_row.get_by_label(f"Tick #{overdue.pk} to reassign it")).not_to_be_checked()
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


def test_the_queue_its_menus_and_its_panel_pass_the_accessibility_audit(demo, live_server, new_page, sign_in):
    for i, channel in enumerate(["pager", "email", "voicemail"]):
        ago = dt.timedelta(hours=5 * i)
        raise_as_customer(channel=channel, category="expedite", subject=f"Circuit {i} down", ago=ago)
    for name, size in {"laptop": (1366, 900), "phone": (390, 844)}.items():
        page = new_page()
        page.set_viewport_size({"width": size[0], "height": size[1]})
        sign_in(page, "service.manager")
        page.goto(f"{live_server.url}/queue/")
        page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
        audit(page, f"queue-list-{name}")
        first = page.locator("#queue-table tr.q-row").first
        first.locator("summary").click()
        page.wait_for_timeout(400)  # Pico fades the menu in: measure its colours once it is shown
        audit(page, f"queue-menu-{name}")
        page.keyboard.press("Escape")
        first.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#queue-panel .item-panel")).to_be_visible()
        audit(page, f"queue-panel-{name}")
