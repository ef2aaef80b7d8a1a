"""Every page on a phone: nothing scrolls sideways at 390 and 360 px, the header folds into a menu
that opens and closes by pointer and keyboard, tables become cards, a subject of 200 characters
without a space widens no table, the filters fold away, touch targets are 44 px high, "Skip to
content" comes first, and at 1366 px the director's menu fits on one line.

The data: the demo set with its escalations, dossiers, handoff and post-mortems (``full_demo``).
Phones are emulated as phones (``is_mobile``): a page wider than the screen is zoomed out, which
widens ``window.innerWidth`` with it, so the screen's own width is the bound.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from demo.dossiers import seed_dossiers
from demo.escalations import seed_demo_escalations
from demo.handoffs import seed_demo_handoff
from demo.postmortems import seed_demo_postmortems
from escalations import services
from escalations.models import Escalation
from handoffs.models import Handoff
from postmortems.models import PostMortem
from teams.models import Account

PHONES = [(390, 844), (360, 740)]
LONG_SUBJECT = "Circuit" + "X" * 193  # 200 characters, not one space
assert len(LONG_SUBJECT) == 200

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def full_demo(demo):
    seed_demo_escalations()
    seed_dossiers()
    seed_demo_handoff()
    seed_demo_postmortems()
    return demo


@pytest.fixture
def sized_page(browser):
    """``sized_page(width, height, phone=True)``: a page in a fresh context of that viewport (a phone:
    a mobile, touch one)."""
    contexts = []

    def make(width, height, *, phone=True):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def customer_pages():
    item = Escalation.objects.filter(account__number="7001-0001").order_by("pk").first()
    postmortem = PostMortem.objects.filter(account__number="7001-0001").order_by("pk").first()
    account = Account.objects.get(number="7001-0001")
    return {
        "home": "/",
        "account": f"/accounts/{account.pk}/",
        "escalations": "/escalations/",
        "escalation detail": f"/escalations/{item.pk}/",
        "raise": "/escalations/new/",
        "queue (not found)": "/queue/",
        "handoffs (not found)": "/handoffs/",
        "post-mortems": "/postmortems/",
        "post-mortem detail": f"/postmortems/{postmortem.pk}/",
        "notifications": "/notifications/",
        "settings": "/me/settings/",
        "API tokens": "/me/tokens/",
    }


def staff_pages():
    item = Escalation.objects.filter(account__number="7001-0001").order_by("pk").first()
    postmortem = PostMortem.objects.filter(account__number="7001-0001").order_by("pk").first()
    account = Account.objects.get(number="7001-0001")
    return {
        "home": "/",
        "account": f"/accounts/{account.pk}/",
        "escalations": "/escalations/",
        "escalation detail": f"/escalations/{item.pk}/",
        "queue": "/queue/",
        "handoffs": "/handoffs/?status=all",
        "post-mortems": "/postmortems/",
        "post-mortem detail": f"/postmortems/{postmortem.pk}/",
        "find an account": "/accounts/?q=7001",
        "availability": "/me/availability/",
        "calendar": "/me/calendar/",
        "notifications": "/notifications/",
    }


def director_pages():
    handoff = Handoff.objects.order_by("pk").first()
    return {
        "review": "/review/",
        "compliance": "/review/compliance/",
        "digest": "/review/digest/",
        "handoff detail": f"/handoffs/{handoff.pk}/",
        "queue": "/queue/",
        "escalations": "/escalations/",
    }


def company_admin_pages():
    membership = get_user_model().objects.get(username="clec.admin").memberships.filter(is_default=True).first()
    return {
        "home": "/",
        "company users": f"/companies/{membership.company_id}/users/",
        "escalations": "/escalations/",
    }


PAGES = {
    "clec.user": customer_pages,
    "clec.admin": company_admin_pages,
    "service.manager": staff_pages,
    "service.director": director_pages,
}


def measure(page, base, pages):
    widths = {}
    for name, path in pages.items():
        page.goto(base + path)
        page.wait_for_load_state("load")
        widths[name] = tuple(page.evaluate(WIDTH))
    return widths


def fits(page, width):
    scroll, inner = page.evaluate(WIDTH)
    return scroll <= width and inner == width, (scroll, inner)


@pytest.mark.parametrize("width,height", PHONES, ids=lambda v: str(v))
@pytest.mark.parametrize("username", list(PAGES))
def test_no_page_scrolls_sideways_on_a_phone(full_demo, live_server, sized_page, sign_in, username, width, height):
    page = sized_page(width, height)
    sign_in(page, username)
    widths = measure(page, live_server.url, PAGES[username]())
    # On a phone the browser zooms out to show a page wider than the screen, which widens
    # innerWidth with it: the screen's own width is the bound.
    too_wide = {name: (w, inner) for name, (w, inner) in widths.items() if w > width or inner != width}
    assert not too_wide, f"wider than {width} px: {too_wide}"


# --- The header's menu ---------------------------------------------------------------------------


def test_the_menu_opens_and_closes_by_pointer_and_by_keyboard(full_demo, live_server, sized_page, sign_in):
    page = sized_page(390, 844)
    sign_in(page, "service.manager")
    toggle = page.get_by_role("button", name="Menu")
    queue_link = page.locator("#main-menu").get_by_role("link", name="My queue")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "main-menu")
    expect(queue_link).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(queue_link).to_be_visible()
    assert fits(page, 390)[0]
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(queue_link).to_be_hidden()

    # By keyboard: Tab reaches the button, Enter opens, Tab walks into the menu, Escape closes it
    # and brings focus back to the button; Space opens it again.
    page.reload()
    page.keyboard.press("Tab")  # "Skip to content"
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(queue_link).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(queue_link).to_be_hidden()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    queue_link.click()
    expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")  # a new page starts folded

    # On a wide screen there is no button: the menu is the header.
    wide = sized_page(1366, 900, phone=False)
    sign_in(wide, "service.manager")
    expect(wide.get_by_role("button", name="Menu")).to_be_hidden()
    expect(wide.locator("#main-menu").get_by_role("link", name="My queue")).to_be_visible()


def test_the_company_switcher_is_a_full_width_control_in_the_phone_menu(full_demo, live_server, sized_page, sign_in):
    page = sized_page(390, 844)
    sign_in(page, "clec.admin")
    page.get_by_role("button", name="Menu").click()
    switch = page.get_by_label("Switch company")
    expect(switch).to_be_visible()
    expect(switch).to_have_id("company-switch")
    box, menu = switch.bounding_box(), page.locator("#main-menu").bounding_box()
    assert box["width"] >= 0.9 * menu["width"] and box["height"] >= 44
    expect(switch.locator("option:checked")).to_have_text("Front Range Fiber (default)")

    wide = sized_page(1366, 900, phone=False)
    sign_in(wide, "clec.admin")
    switch = wide.locator("#company-switch")
    expect(switch).to_be_visible()
    assert 150 <= switch.bounding_box()["width"] <= 300
    # The switcher sits on the same line as the other entries.
    tops = wide.eval_on_selector_all("#main-menu > li", "els => els.map(e => e.getBoundingClientRect())")
    assert max(t["top"] for t in tops) < min(t["bottom"] for t in tops)


def test_at_1366_px_the_directors_menu_fits_on_one_line(full_demo, live_server, sized_page, sign_in):
    page = sized_page(1366, 900, phone=False)
    sign_in(page, "service.director")
    page.goto(f"{live_server.url}/review/")
    items = page.locator("header nav > ul > li")
    names = [t.strip() for t in items.all_inner_texts()]
    assert {"My queue", "Escalations", "Post-mortems", "Handoffs", "Review", "Find an account"} <= set(names)
    tops = page.eval_on_selector_all("header nav > ul > li", "els => els.map(e => e.offsetTop)")
    assert len(set(tops)) == 1, dict(zip(names, tops, strict=True))
    assert fits(page, 1366)[0]
    # The secondary entries are in the user's menu.
    page.locator("details.dropdown > summary").click()
    expect(page.get_by_role("link", name="My availability")).to_be_visible()
    expect(page.get_by_role("link", name="API", exact=True)).to_be_visible()


# --- Skip link and focus -------------------------------------------------------------------------


def test_skip_to_content_is_the_first_stop_and_lands_on_the_main_landmark(full_demo, live_server, sized_page, sign_in):
    page = sized_page(390, 844)
    sign_in(page, "clec.user")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["height"] >= 24  # shown while it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    expect(page.get_by_role("main")).to_have_count(1)


# --- Tables, long words, filters -----------------------------------------------------------------


def raise_long_subject():
    return services.escalation_create(
        actor=get_user_model().objects.get(username="clec.user"),
        account=Account.objects.get(number="7001-0001"),
        channel="email",
        category="order_escalation",
        subject=LONG_SUBJECT,
        now=timezone.now(),
    )


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)], ids=["1366", "390"])
def test_a_subject_without_spaces_widens_neither_the_queue_nor_the_list(
    full_demo, live_server, sized_page, sign_in, width, height
):
    item = raise_long_subject()
    pages = {
        "service.manager": ["/queue/", "/escalations/", f"/escalations/{item.pk}/", "/"],
        "clec.user": ["/escalations/", f"/escalations/{item.pk}/", "/"],
    }
    for username, paths in pages.items():
        page = sized_page(width, height, phone=width < 768)
        sign_in(page, username)
        for path in paths:
            page.goto(live_server.url + path)
            if path != "/":  # the home pages may count the item rather than name it
                expect(page.get_by_text(LONG_SUBJECT).first).to_be_visible()
            ok, measured = fits(page, width)
            assert ok, f"{username} {path} at {width} px: {measured}"
            for table in page.locator("main table").all():
                assert table.bounding_box()["width"] <= width, f"{username} {path}: a table is wider than {width} px"


def test_on_a_phone_tables_are_cards_and_the_queue_filters_fold_away(full_demo, live_server, sized_page, sign_in):
    page = sized_page(390, 844)
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    panel = page.locator("#queue-filters details.filters-panel")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.get_by_label("Status")).to_be_hidden()
    first_row = page.locator("#queue-table tr.q-row").first
    assert first_row.bounding_box()["y"] < 844, "the first item is below the first screen"
    # Each cell is labelled by its column; the header row is only there for screen readers.
    subject = first_row.locator("td[data-label=Subject]")
    assert subject.evaluate("td => getComputedStyle(td, '::before').content") == '"Subject"'
    assert subject.evaluate("td => getComputedStyle(td).display") != "table-cell"
    assert page.locator("#queue-table thead").bounding_box()["height"] <= 1

    panel.locator("summary").click()
    expect(page.get_by_label("Status")).to_be_visible()
    page.get_by_label("Status").select_option("new")
    expect(panel.locator("[data-filter-count]")).to_have_text("(1 set)")

    wide = sized_page(1366, 900, phone=False)
    sign_in(wide, "service.manager")
    wide.goto(f"{live_server.url}/queue/")
    expect(wide.locator("#queue-filters details.filters-panel")).to_have_attribute("open", "")
    expect(wide.get_by_label("Status")).to_be_visible()
    assert wide.locator("#queue-table thead").bounding_box()["height"] > 20


def test_touch_targets_are_44_px_high_on_a_phone(full_demo, live_server, sized_page, sign_in):
    page = sized_page(390, 844)
    sign_in(page, "service.manager")
    item = Escalation.objects.filter(account__number="7001-0001", status="new").order_by("pk").first()
    small = {}
    for path in ["/queue/", "/escalations/", f"/escalations/{item.pk}/", "/handoffs/", "/postmortems/"]:
        page.goto(live_server.url + path)
        page.get_by_role("button", name="Menu").click()
        page.locator("details.filters-panel > summary").evaluate_all("els => els.forEach(e => e.click())")
        heights = page.eval_on_selector_all(
            "#main-menu a, #main-menu summary, [data-nav-toggle], main button, main [role=button], main select,"
            " main input:not([type=checkbox]):not([type=radio]):not([type=hidden])",
            """els => els.filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
                     .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])""",
        )
        small.update({f"{path} {html}": h for html, h in heights if h < 44})
    assert not small, small


@pytest.mark.parametrize("width,height", PHONES, ids=lambda v: str(v))
def test_the_sign_in_page_fits_a_phone(demo, live_server, sized_page, width, height):
    page = sized_page(width, height)
    page.goto(f"{live_server.url}/auth/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert fits(page, width)[0], page.evaluate(WIDTH)
    assert page.locator("input[name=login]").bounding_box()["height"] >= 44
