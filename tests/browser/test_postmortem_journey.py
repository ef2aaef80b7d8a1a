"""A post-mortem in a real browser, from the customer's request to the PDF in their hands.

``clec.user`` (Front Range Fiber) requests a post-mortem of a 10-hour outage on account
7001-0001; its service manager Dana Whitfield (``service.manager``) accepts it as medium,
logs notes, writes the analysis, adds a preventive action and publishes; the customer reads
the root cause on the page and downloads the PDF, whose text the test reads back.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings
from playwright.sync_api import expect

from postmortems.models import PostMortem
from teams.models import Account

from .nav import menu

pytestmark = pytest.mark.journey

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
DENVER = ZoneInfo(settings.TIME_ZONE)  # the demo users' zone (the portal default, Dana's "US Mountain")
ROOT_CAUSE = "A contractor's backhoe cut the 144-count fibre at Pearl St and 28th"


@pytest.fixture
def second_page(new_page):
    """Another signed-in person at the same time: a context of its own (no shared cookies)."""
    return new_page(accept_downloads=True)


def local(instant: dt.datetime) -> str:
    return instant.astimezone(DENVER).strftime("%Y-%m-%dT%H:%M")


def test_customer_requests_manager_publishes_customer_downloads_the_pdf(
    demo, live_server, page, second_page, sign_in, tmp_path
):
    account = Account.objects.get(number="7001-0001")
    restored = (dt.datetime.now(DENVER) - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    started = restored - dt.timedelta(hours=10)

    # --- The customer requests it ------------------------------------------------------------------------
    sign_in(page, "clec.user")
    menu(page).get_by_role("link", name="Post-mortems").click()
    expect(page.get_by_role("heading", name="Post-mortems", exact=True)).to_be_visible()
    page.get_by_test_id("request-postmortem").click()
    expect(page.get_by_role("heading", name="Request a post-mortem")).to_be_visible()
    page.get_by_label("Account").select_option(str(account.pk))
    page.get_by_label("Trouble report / ticket number").fill("FRF-88231")
    page.get_by_label("Circuit or service identifier").fill("DS3 DNVR-BLDR 0042")
    page.get_by_label("Event started").fill(local(started))
    page.get_by_label("Service restored").fill(local(restored))
    expect(page.get_by_test_id("duration-hint")).to_contain_text("10 h 00 min: eligible")
    page.get_by_label("Impact on your business").fill("Boulder customers had no dial tone all night.")
    page.get_by_label("Questions the analysis should answer").fill("Why did the ring not protect?")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_test_id("pm-status")).to_have_text("Requested")
    expect(page.locator(".messages")).to_contain_text("Post-mortem requested for ticket FRF-88231")
    expect(page.get_by_test_id("pm-duration")).to_contain_text("10 h 00 min")
    expect(page.get_by_test_id("workspace")).to_have_count(0)
    pm = PostMortem.objects.get(ticket_number="FRF-88231")
    assert (pm.account, pm.manager.name, pm.below_threshold) == (account, "Dana Whitfield", False)
    detail = f"{live_server.url}/postmortems/{pm.pk}/"
    assert page.url == detail

    # --- The service manager works it --------------------------------------------------------------------
    manager = second_page
    sign_in(manager, "service.manager")
    menu(manager).get_by_role("link", name="Post-mortems").click()
    manager.get_by_role("link", name="FRF-88231").click()
    expect(manager).to_have_url(detail)
    accept = manager.get_by_test_id("accept-form")
    accept.get_by_label("Complexity").select_option("medium")
    accept.get_by_role("button", name="Accept").click()
    expect(manager.get_by_test_id("pm-status")).to_have_text("Accepted")
    pm.refresh_from_db()
    assert pm.complexity == "medium" and pm.business_days == 5
    expect(manager.get_by_test_id("pm-due")).to_have_text(f"{pm.due_on:%A} {pm.due_on.day} {pm.due_on:%B %Y}")

    for at, source, text, internal in (
        (started + dt.timedelta(minutes=2), "noc", "Loss of signal on the Boulder ring, both directions", False),
        (started + dt.timedelta(hours=3), "field", "Splicing crew waited two hours for the locate", True),
    ):
        manager.get_by_text("Add a note").click()
        form = manager.get_by_test_id("note-form")
        form.get_by_label("When it happened").fill(local(at))
        form.get_by_label("Source").select_option(source)
        form.get_by_label("What happened").fill(text)
        if internal:
            form.get_by_label("Internal (kept out of the published timeline)").check()
        form.get_by_role("button", name="Add the note").click()
        expect(manager.locator(".messages")).to_contain_text("Note added.")
    expect(manager.get_by_test_id("notes").locator("li")).to_have_count(2)

    analysis = manager.get_by_test_id("analysis-form")
    analysis.get_by_label("Event summary").fill("Boulder lost service for ten hours after a fibre cut.")
    analysis.get_by_label("Root cause", exact=True).fill(ROOT_CAUSE)
    analysis.get_by_label("How service was restored").fill("Emergency splice of all 144 fibres.")
    analysis.get_by_role("button", name="Save the analysis").click()
    expect(manager.locator(".messages")).to_contain_text("Analysis saved.")
    expect(manager.get_by_test_id("pm-status")).to_have_text("In preparation")

    manager.get_by_text("Add a preventive action").click()
    action = manager.get_by_test_id("action-form")
    action.get_by_label("Preventive action").fill("Build a diverse path to Boulder via Longmont")
    action.get_by_label("Owner").select_option(label="Dana Whitfield")
    action.get_by_label("Due on").fill((restored + dt.timedelta(days=30)).date().isoformat())
    action.get_by_role("button", name="Add the action").click()
    expect(manager.get_by_test_id("preventive-actions")).to_contain_text("Build a diverse path to Boulder")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager.screenshot(path=str(SCREENSHOTS / "postmortem-workspace.png"), full_page=True)
    manager.get_by_role("button", name="Publish to the customer").click()
    expect(manager.get_by_test_id("pm-status")).to_have_text("Published")
    expect(manager.get_by_test_id("published-root-cause")).to_have_text(ROOT_CAUSE)

    # --- The customer reads it and downloads the PDF --------------------------------------------------------
    page.reload()
    expect(page.get_by_test_id("pm-status")).to_have_text("Published")
    expect(page.get_by_test_id("published-root-cause")).to_have_text(ROOT_CAUSE)
    expect(page.get_by_test_id("published-timeline")).to_contain_text("Loss of signal on the Boulder ring")
    expect(page.locator("body")).not_to_contain_text("Splicing crew waited")  # internal
    expect(page.get_by_test_id("published-actions")).to_contain_text("Build a diverse path to Boulder")
    page.screenshot(path=str(SCREENSHOTS / "postmortem-published.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    download = info.value
    assert download.suggested_filename == "post-mortem-7001-0001-FRF-88231-v1.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(saved).pages)
    assert ROOT_CAUSE in " ".join(text.split())
    expect(page.locator("body")).not_to_contain_text("{{")
