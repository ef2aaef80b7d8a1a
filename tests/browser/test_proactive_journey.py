"""Proactive service in a real browser: the package and the review plan set up, the hours logged,
the quarterly review held, the month's service report published and read, and a planned
maintenance told to the customer.

Demo data: the data set as ``manage.py seed_demo`` makes it, except that Front Range Fiber starts
without a service package and without a review plan (the test's set-up deletes the demo's), so
its Service Director, Marcus Oyelaran (``service.director``), sets both up through the pages.
Dana Whitfield (``service.manager``) serves the company's accounts 7001-0001 and 7001-0002, whose
contacts Karen Whitlock and Dev Patel attend her review; ``clec.admin`` is the company's user
administrator (told of the report), ``clec.user`` its NOC (noc@frontrangefiber.example). Times
are the demo users' zone, the portal default ("US Mountain").
"""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from accountteam.clock import carrier_today
from demo.dossiers import seed_dossiers
from demo.maintenance import seed_demo_maintenance
from demo.service import seed_demo_service
from demo.servicereports import seed_demo_service_reports
from demo.touchpoints import seed_demo_touchpoints
from maintenance.models import NetworkNotice
from service.models import ServicePackage, TimeEntry
from service.rules import hours_text
from servicereports.models import PublishedReport
from teams.models import Company
from touchpoints.models import Occurrence, PlanItem

from .nav import menu

pytestmark = pytest.mark.journey

DENVER = ZoneInfo(settings.TIME_ZONE)
PACKAGE = "Managed Service Gold"
NOT_COVERED = "Customer tours of the carrier's data centers"
ACTIVITY = "Service reviews"
NOTE = "Prepared the quarterly service review deck with the NOC trends."
MINUTES = "Reviewed the quarter's trouble tickets: two repeat faults on the Boulder ring, both closed."
ACTION = "Send Front Range the diverse-route proposal for the Boulder ring"
WORD = "Thank you for the review call; this month's figures are below."
GCR = "GCR-2026-2044"
TITLE = "Optical line amplifier replacement, Denver – Englewood span"
IMPACT = "One interruption of up to 15 minutes on circuits over the Denver – Englewood span."


@pytest.fixture
def frontrange(demo):
    """The demo as ``manage.py seed_demo`` makes it for these pages (the dossiers' contacts, the
    package and its hours, the review plan, the network notices, last month's report), less
    Front Range Fiber's package and review plan: the journey sets them up in the browser."""
    seed_dossiers()
    seed_demo_service()
    seed_demo_touchpoints()
    seed_demo_maintenance()
    seed_demo_service_reports()
    company = Company.objects.get(name="Front Range Fiber")
    ServicePackage.objects.filter(company=company).delete()
    PlanItem.objects.filter(company=company).delete()
    return company


def local(instant: dt.datetime) -> str:
    """A datetime-local field's value in the demo users' zone."""
    return instant.astimezone(DENVER).strftime("%Y-%m-%dT%H:%M")


def user_menu(page):
    """The user's menu, opened (Maintenance, Reviews due, Time sheet, Service hours, Service
    reports): behind the Menu button on a phone."""
    dropdown = menu(page).locator("details.dropdown")
    dropdown.locator("summary").click()
    return dropdown


def test_director_sets_up_manager_serves_customer_reads_the_report(
    frontrange, live_server, page, new_page, sign_in, tmp_path, eager_tasks, mailoutbox
):
    company = frontrange
    today = carrier_today()
    first = today.replace(day=1)
    month = f"{first:%Y-%m}"

    # --- The Service Director sets up the package ------------------------------------------------------
    director = page
    sign_in(director, "service.director")
    user_menu(director).get_by_role("link", name="Service hours").click()
    expect(director.get_by_role("heading", name="Service hours", exact=True)).to_be_visible()
    row = director.get_by_test_id("usage-list").locator("tr").filter(has_text="Front Range Fiber")
    row.get_by_role("link", name="Set up a package").click()
    expect(director.get_by_role("heading", name="Set up a package")).to_be_visible()
    form = director.get_by_test_id("package-form")
    form.get_by_label("Name").fill(PACKAGE)
    form.get_by_label("Hours per month").fill("20")
    form.get_by_label("Starts").fill(first.isoformat())
    expect(form.get_by_label(ACTIVITY, exact=True)).to_be_checked()  # every activity, to begin with
    form.get_by_label(NOT_COVERED, exact=True).uncheck()
    form.get_by_role("button", name="Save").click()

    expect(director).to_have_url(f"{live_server.url}/service/companies/{company.pk}/")
    expect(director.locator(".messages")).to_contain_text("Package saved.")
    package_box = director.get_by_test_id("package")
    expect(package_box).to_contain_text(PACKAGE)
    expect(package_box).to_contain_text("20 h per month")
    package = ServicePackage.objects.get(company=company)
    assert (package.hours_per_month, package.start_date, package.end_date) == (Decimal(20), first, None)
    covered = set(package.activities.values_list("name", flat=True))
    assert ACTIVITY in covered and NOT_COVERED not in covered

    # --- ... and the review plan: a quarterly service review, owned by the Service Manager -------------
    due_on = today + dt.timedelta(days=14)
    user_menu(director).get_by_role("link", name="Reviews due").click()
    expect(director.get_by_role("heading", name="Reviews due")).to_be_visible()
    director.get_by_role("region", name="Review plans").get_by_role("link", name="Front Range Fiber").click()
    expect(director.get_by_role("heading", name="Review plan: Front Range Fiber")).to_be_visible()
    expect(director.get_by_test_id("touchpoints-plan")).to_contain_text("No regular review is planned yet.")
    director.get_by_role("button", name="Add to the plan").click()
    director.get_by_label("Kind of review").select_option(label="Service review")
    director.get_by_label("Every").select_option(label="Quarterly")
    director.get_by_label("Owner role").select_option(label="Service Manager")
    director.get_by_label("First due on").fill(due_on.isoformat())
    director.get_by_role("button", name="Save").click()

    expect(director.locator(".messages")).to_contain_text("Added to the review plan.")
    plan_row = director.get_by_test_id("touchpoints-plan").locator("tr").filter(has_text="Service review")
    expect(plan_row).to_contain_text("Quarterly")
    expect(plan_row).to_contain_text("Service Manager")
    expect(plan_row).to_contain_text("Dana Whitfield")
    expect(plan_row).to_contain_text(f"{due_on:%a} {due_on.day} {due_on:%b %Y}")
    occurrence = Occurrence.objects.get(plan_item__company=company, status="open")
    assert (occurrence.plan_item.cadence_months, occurrence.owner.name) == (3, "Dana Whitfield")

    # --- The service manager logs her hours on the week's time sheet --------------------------------------
    manager = new_page()
    sign_in(manager, "service.manager")
    user_menu(manager).get_by_role("link", name="Time sheet").click()
    expect(manager.get_by_role("heading", name="Time sheet")).to_be_visible()
    sheet_row = manager.get_by_test_id("sheet-form").get_by_test_id("sheet-row-0")
    sheet_row.get_by_label("Day").select_option(today.isoformat())
    sheet_row.get_by_label("Company").select_option(label="Front Range Fiber")
    sheet_row.get_by_label("Activity").select_option(label=ACTIVITY)
    sheet_row.get_by_label("Hours").fill("1.5")
    sheet_row.get_by_label("Note").fill(NOTE)
    manager.get_by_role("button", name="Save these rows").click()

    expect(manager.locator(".messages")).to_contain_text("1 entry saved.")
    logged = manager.get_by_test_id("week-entries").locator("tr").filter(has_text=NOTE)
    expect(logged).to_contain_text("Front Range Fiber")
    expect(logged).to_contain_text(ACTIVITY)
    expect(logged).to_contain_text("1.5")
    entry = TimeEntry.objects.get(note=NOTE)
    assert (entry.company, entry.date, entry.hours, entry.person.name) == (company, today, Decimal("1.5"),
                                                                          "Dana Whitfield")
    this_month = TimeEntry.objects.filter(company=company, date__gte=first)
    month_hours = this_month.aggregate(h=Sum("hours"))["h"]
    review_hours = this_month.filter(activity__name=ACTIVITY).aggregate(h=Sum("hours"))["h"]

    # --- ... holds the quarterly review ------------------------------------------------------------------------
    started = (timezone.now() - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    user_menu(manager).get_by_role("link", name="Reviews due").click()
    due = manager.get_by_test_id("touchpoints-due").locator(f"#occurrence-{occurrence.pk}")
    expect(due).to_contain_text("Front Range Fiber")
    due.get_by_role("link", name="Service review").click()
    expect(manager).to_have_url(f"{live_server.url}/touchpoints/occurrences/{occurrence.pk}/")
    expect(manager.get_by_role("heading", name="Service review", exact=True)).to_be_visible()
    hold = manager.get_by_test_id("touchpoints-hold")
    hold.get_by_label("Account").select_option(label="7001-0001 · Front Range Fiber – Denver Metro")
    hold.get_by_label("Started").fill(local(started))
    hold.get_by_label("Minutes long").fill("45")
    hold.get_by_label("Karen Whitlock (7001-0001)").check()
    hold.get_by_label("Dev Patel (7001-0001)").check()
    hold.get_by_role("textbox", name=re.compile("^Agenda")).fill("Trouble tickets; the Boulder ring; NOC contacts.")
    hold.get_by_role("textbox", name=re.compile("^Minutes")).fill(MINUTES)
    hold.get_by_label("Action item").first.fill(ACTION)
    hold.get_by_label("Owner").first.select_option(label="Dana Whitfield")
    hold.get_by_label("Due on").first.fill((today + dt.timedelta(days=10)).isoformat())
    hold.get_by_role("button", name="Record as held").click()

    expect(manager.locator(".messages")).to_contain_text("Review recorded; the next one is on the plan.")
    record = manager.get_by_test_id("touchpoints-record")
    expect(record).to_contain_text(MINUTES)
    expect(record).to_contain_text("on account 7001-0001 (45 minutes)")
    expect(manager.get_by_test_id("touchpoints-occurrence-actions")).to_contain_text(ACTION)
    expect(manager.get_by_test_id("touchpoints-hold")).to_have_count(0)
    occurrence.refresh_from_db()
    assert occurrence.status == "held" and occurrence.held_by.username == "service.manager"
    meeting = occurrence.meeting
    assert (meeting.account.number, meeting.duration_minutes, meeting.starts_at) == ("7001-0001", 45, started)
    assert set(meeting.contacts.values_list("name", flat=True)) == {"Karen Whitlock", "Dev Patel"}
    assert occurrence.plan_item.occurrences.get(status="open").due_on > occurrence.due_on  # the next one

    # --- ... and publishes the month's service report -----------------------------------------------------
    user_menu(manager).get_by_role("link", name="Service reports").click()
    expect(manager.get_by_role("heading", name="Service reports")).to_be_visible()
    manager.get_by_role("link", name="Front Range Fiber").click()
    expect(manager.get_by_role("heading", name="Service report: Front Range Fiber")).to_be_visible()
    manager.get_by_label("Month").fill(month)
    manager.get_by_role("button", name="Show").click()
    expect(manager).to_have_url(re.compile(rf"month={month}"))
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    label = f"{first:%d %b %Y} – {last:%d %b %Y}"
    expect(manager.locator("hgroup")).to_contain_text(label)
    expect(manager.get_by_role("row", name=re.compile("Package hours used"))).to_contain_text(
        f"{hours_text(month_hours)} / 20")
    expect(manager.get_by_role("region", name=re.compile("^Reviews held"))).to_contain_text(
        f"Service review · {today.day} {today:%b %Y}")
    manager.get_by_label("A word to the customer (optional)").fill(WORD)
    manager.get_by_role("button", name="Publish the report").click()
    expect(manager.locator(".messages")).to_contain_text(f"The report for {label} is published")
    expect(manager.locator("main")).to_contain_text("Published to the customer on")
    expect(manager.get_by_role("button", name="Publish the report")).to_have_count(0)
    published = PublishedReport.objects.get(company=company, first=first)
    assert (published.last, published.published_by.username, published.note) == (last, "service.manager", WORD)

    # The company's user administrator is told, by e-mail.
    [told] = [m for m in mailoutbox if m.to == ["it-admin@frontrangefiber.example"] and label in m.subject]
    assert told.subject.endswith(f"Your service report: {label}")
    assert f"/reports/companies/{company.pk}/?from={first.isoformat()}&to={last.isoformat()}" in told.body

    # --- The customer's administrator reads it and downloads the PDF -------------------------------------
    customer = new_page(accept_downloads=True)
    sign_in(customer, "clec.admin")
    user_menu(customer).get_by_role("link", name="Service reports").click()
    expect(customer.get_by_role("heading", name="Service reports")).to_be_visible()
    expect(customer.get_by_role("heading", name="Companies you serve")).to_have_count(0)
    customer.get_by_role("link", name=f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}").click()
    expect(customer.get_by_role("heading", name="Service report: Front Range Fiber")).to_be_visible()
    expect(customer.locator("hgroup")).to_contain_text(label)
    expect(customer.locator("main")).to_contain_text(WORD)
    expect(customer.locator("main")).to_contain_text(f"Service review · {today.day} {today:%b %Y}")
    by_activity = customer.get_by_role("region", name="Package hours by activity")
    activity_row = by_activity.locator("tr", has=customer.get_by_text(ACTIVITY, exact=True))
    expect(activity_row).to_contain_text(hours_text(review_hours))
    expect(customer.locator("body")).not_to_contain_text(NOTE)  # the time entries' notes are internal
    expect(customer.get_by_role("button", name="Publish the report")).to_have_count(0)
    expect(customer.get_by_role("button", name="Request the credit")).to_have_count(0)
    with customer.expect_download() as info:
        customer.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"service-report-Front-Range-Fiber-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(saved).pages).split())
    assert "Service report: Front Range Fiber" in text
    assert label in text
    assert "Service review" in text and ACTIVITY in text
    assert f"Package hours used {hours_text(month_hours)} / 20" in text
    assert NOTE not in text

    # The review's minutes and action item are shared with the company's users.
    user_menu(customer).get_by_role("link", name="Regular reviews").click()
    expect(customer.get_by_role("heading", name="Review plan: Front Range Fiber")).to_be_visible()
    customer.get_by_test_id("touchpoints-held").get_by_role("link", name="Service review").click()
    expect(customer).to_have_url(f"{live_server.url}/touchpoints/occurrences/{occurrence.pk}/")
    expect(customer.get_by_test_id("touchpoints-record")).to_contain_text(MINUTES)
    expect(customer.get_by_test_id("touchpoints-occurrence-actions")).to_contain_text(f"{ACTION} — Dana Whitfield")
    expect(customer.get_by_test_id("touchpoints-hold")).to_have_count(0)
    expect(customer.get_by_role("button", name="Mark done")).to_have_count(0)
    expect(customer.locator("body")).not_to_contain_text("{{")


def test_staff_publish_a_maintenance_the_customer_is_told_and_sees_it_on_the_team_page(
    frontrange, live_server, page, new_page, sign_in, eager_tasks, mailoutbox
):
    starts = (timezone.now() + dt.timedelta(days=2)).astimezone(DENVER).replace(hour=1, minute=0, second=0,
                                                                                microsecond=0)
    ends = starts + dt.timedelta(hours=3)

    # --- Carrier staff publish it for account 7001-0001 ------------------------------------------------------
    staff = page
    sign_in(staff, "carrier.admin")
    user_menu(staff).get_by_role("link", name="Maintenance").click()
    expect(staff.get_by_role("heading", name="Maintenance and outages")).to_be_visible()
    staff.get_by_role("button", name="Publish a planned maintenance").click()
    expect(staff.get_by_role("heading", name="Publish a network notice")).to_be_visible()
    expect(staff.get_by_label("Planned maintenance")).to_be_checked()
    staff.get_by_label("GCR number").fill(GCR)
    staff.get_by_label("Title").fill(TITLE)
    staff.get_by_label("Starts").fill(local(starts))
    staff.get_by_label("Ends").fill(local(ends))
    staff.get_by_label("Expected impact").fill(IMPACT)
    staff.get_by_label("Description").fill("The amplifier at the Englewood hut is replaced; traffic stays on path.")
    staff.get_by_text("Chosen accounts").click()
    staff.get_by_label("7001-0001 · Front Range Fiber – Denver Metro").check()
    staff.get_by_label("Message to the customers").fill("Your service manager has the list of circuits.")
    staff.get_by_role("button", name="Publish and tell the customers").click()

    expect(staff.locator(".messages")).to_contain_text(f"{GCR} published: the customers of its accounts are told.")
    expect(staff.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(staff.get_by_test_id("notice-status")).to_have_text("Scheduled")
    expect(staff.get_by_test_id("notice-accounts")).to_contain_text("7001-0001")
    expect(staff.get_by_test_id("notice-accounts")).not_to_contain_text("7001-0002")
    notice = NetworkNotice.objects.get(reference=GCR)
    assert (notice.starts_at, notice.ends_at, notice.status) == (starts, ends, "scheduled")
    assert staff.url == f"{live_server.url}/maintenance/{notice.pk}/"

    # --- clec.user gets it by e-mail ------------------------------------------------------------------------------
    [message] = [m for m in mailoutbox if m.to == ["noc@frontrangefiber.example"] and GCR in m.subject]
    assert message.subject.endswith(f"Planned maintenance {GCR}: {TITLE}")
    window = f"{starts:%a} {starts.day} {starts:%b %Y, %H:%M %Z} to {ends:%a} {ends.day} {ends:%b %Y, %H:%M %Z}"
    assert f"Window: {window}" in message.body
    assert "Your affected accounts: 7001-0001 (Front Range Fiber – Denver Metro)" in message.body
    assert f"/maintenance/{notice.pk}/" in message.body

    # --- ... and sees it on the team page -------------------------------------------------------------------------
    customer = new_page()
    sign_in(customer, "clec.user")
    current = customer.get_by_test_id("network-notices").get_by_test_id(f"current-notice-{notice.pk}")
    expect(current).to_contain_text(f"Planned maintenance {GCR}: {TITLE}")
    expect(current).to_contain_text("Scheduled")
    expect(current).to_contain_text("Accounts: 7001-0001")
    current.get_by_role("link", name=GCR).click()
    expect(customer).to_have_url(f"{live_server.url}/maintenance/{notice.pk}/")
    expect(customer.get_by_test_id("notice-impact")).to_have_text(IMPACT)
    expect(customer.get_by_test_id("notice-window")).to_have_text(window)
    expect(customer.get_by_test_id("notice-actions")).to_have_count(0)  # customers read, staff write
    ics = customer.request.get(live_server.url + customer.get_by_test_id("notice-ics").get_attribute("href"))
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    assert GCR in ics.text() and "BEGIN:VEVENT" in ics.text()
