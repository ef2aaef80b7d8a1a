"""Regressions of the issue "Every page works on a phone and passes an accessibility audit" that no
other browser test pinned down:

* every page is usable by keyboard alone: "Skip to content" is the first stop at every width, each
  stop Tab reaches is shown and marked by a visible focus indicator, and Tab walks through the whole
  page and out again, forwards and backwards, with the queue's side panel open too (no trap);
* colour is never the only signal of state: in the queue and the director's review, overdue, at
  risk and paused are said in words one can see, at a laptop's width and a phone's.

The data: the demo set with its escalations, dossiers, handoff and post-mortems, and items raised
in each state of the queue.
"""

from __future__ import annotations

import datetime as dt

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
from postmortems.models import PostMortem
from teams.models import Account

SIZES = {"1366": (1366, 900, False), "390": (390, 844, True)}

# The focused element, described: where it is, whether it is drawn, and its focus indicator (the
# portal draws an outline on :focus-visible; Pico's form fields also ring themselves). ``native``: the
# focus is inside a date or time field's own control (its calendar button), which the browser
# draws and no style sheet reaches, in Chromium without any portal style too.
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  let shown = box.width > 0 && box.height > 0;
  for (let up = el; up && shown; up = up.parentElement) {
    const s = getComputedStyle(up);
    if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) shown = false;
  }
  const clear = c => /rgba\(\d+, \d+, \d+, 0\)|transparent/.test(c);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1 && !clear(style.outlineColor);
  const native = el.tagName === 'INPUT' && /^(date|time|datetime-local|month|week)$/.test(el.type)
                 && !el.matches(':focus');
  return {
    key: el.tagName + '#' + (el.id || '') + '.' + (el.getAttribute('class') || '') + ' ' +
         (el.getAttribute('href') || el.getAttribute('name') || el.getAttribute('aria-label') ||
          (el.textContent || '').trim().slice(0, 40)),
    skip: el.classList.contains('skip-link'),
    shown,
    inside: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight,
    indicator: outline || native,
  };
}"""
# Everything Tab can reach on the page as it is drawn now.
TABBABLE_COUNT = """() => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'
)].filter(e => !e.disabled && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').length"""


@pytest.fixture
def full_demo(demo):
    seed_demo_escalations()
    seed_dossiers()
    seed_demo_handoff()
    seed_demo_postmortems()
    return demo


@pytest.fixture
def sized_page(browser):
    """``sized_page(width, height, phone)``: a page in a fresh context of that viewport."""
    contexts = []

    def make(width, height, phone):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def walk(page, key="Tab", *, limit):
    """Press ``key`` until the focus has gone through the page and out of it (or, backwards, back to
    "Skip to content"): the stops, in order. Fails when it has not after ``limit`` presses (a trap)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is None and not stops:
            continue  # from "Skip to content" (where a wrapped Tab ended) Shift+Tab first leaves the page
        if focused is None or (stops and focused["skip"] and key == "Tab"):
            return stops  # out of the page (or round to its start again)
        stops.append(focused)
        if focused["skip"] and key != "Tab":
            return stops  # back at the start (a phone wraps round from there)
        if len(stops) > 8 and all(s["key"] == focused["key"] for s in stops[-8:]):
            break
    raise AssertionError(f"the focus never left the page after {limit} × {key}: last stops {stops[-8:]}")


def assert_usable_by_keyboard(page, where):
    """From the top of the page: Tab's first stop is "Skip to content"; every stop is drawn, on the
    screen and marked; Tab leaves the page at its end and Shift+Tab at its start."""
    # Focusing the body moves the start of Tab's walk to the top of the page.
    page.evaluate("""() => {
      document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex');
      window.scrollTo(0, 0);
    }""")
    count = page.evaluate(TABBABLE_COUNT)
    forwards = walk(page, limit=count + 10)
    assert forwards, f"{where}: Tab reaches nothing"
    assert forwards[0]["skip"], f"{where}: the first stop is {forwards[0]['key']}, not the skip link"
    hidden = [s["key"] for s in forwards if not (s["shown"] and s["inside"])]
    assert not hidden, f"{where}: Tab stops on what cannot be seen: {hidden}"
    unmarked = [s["key"] for s in forwards if not s["indicator"]]
    assert not unmarked, f"{where}: no visible focus indicator on {unmarked}"
    backwards = walk(page, "Shift+Tab", limit=count + 10)
    assert backwards and backwards[-1]["skip"], f"{where}: Shift+Tab did not walk back to the skip link"
    assert len(backwards) >= len(forwards) - 1, (where, len(forwards), len(backwards))


def raise_in_every_state():
    """On 7001-0001 (Dana Whitfield's): a pager item a week old (overdue), one
    past its target and not yet due (at risk), and one waiting on the customer (paused)."""
    customer = get_user_model().objects.get(username="clec.user")
    manager = get_user_model().objects.get(username="service.manager")
    account = Account.objects.get(number="7001-0001")
    now = timezone.now()

    def raise_(subject, ago, channel="pager"):
        return services.escalation_create(
            actor=customer, account=account, channel=channel, category="expedite", subject=subject, now=now - ago
        )

    overdue = raise_("Overdue DS3 to Boulder", dt.timedelta(days=7))
    at_risk = raise_("At-risk T1 to Golden", dt.timedelta(minutes=5))
    # Past its target, not yet due, whatever the guidelines and the hour of the run.
    Escalation.objects.filter(pk=at_risk.pk).update(
        target_at=now - dt.timedelta(minutes=1), due_at=now + dt.timedelta(hours=1),
        next_deadline_at=now + dt.timedelta(hours=1),
    )
    paused = services.escalation_wait(actor=manager, escalation=raise_("Paused loop test", dt.timedelta(minutes=5)))
    return {"overdue": overdue, "at_risk": at_risk, "paused": paused}


# --- Keyboard alone ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_every_stop_of_the_main_pages_is_visible_and_marked_and_tab_never_traps(
    full_demo, live_server, sized_page, sign_in, size
):
    width, height, phone = SIZES[size]
    item = Escalation.objects.filter(account__number="7001-0001").order_by("pk").first()
    postmortem = PostMortem.objects.filter(account__number="7001-0001").order_by("pk").first()
    pages = {
        "service.manager": ["/", "/queue/", "/escalations/", f"/escalations/{item.pk}/", "/handoffs/",
                            f"/postmortems/{postmortem.pk}/"],
        "service.director": ["/review/", "/review/compliance/"],
        "clec.user": ["/", f"/escalations/{item.pk}/", "/escalations/new/"],
    }
    for username, paths in pages.items():
        page = sized_page(width, height, phone)
        sign_in(page, username)
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            assert_usable_by_keyboard(page, f"{username} {path} at {width} px")


def test_skip_to_content_comes_first_on_a_laptop_too(full_demo, live_server, sized_page, sign_in):
    page = sized_page(1366, 900, False)
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["height"] >= 24  # shown while it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page's content, past the menu
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_the_queue_panel_opened_by_keyboard_lets_the_focus_go_on_and_escape_brings_it_back(
    full_demo, live_server, sized_page, sign_in
):
    raise_in_every_state()
    page = sized_page(1366, 900, False)
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    first = page.locator("#queue-table tr.q-row").first
    first.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#queue-panel")
    expect(panel.locator(".item-panel")).to_be_visible()
    assert_usable_by_keyboard(page, "the queue with its panel open")
    # Tab walks into the panel's controls and past them.
    inside = page.evaluate("() => [...document.querySelectorAll('#queue-panel a[href], #queue-panel button,"
                           " #queue-panel summary')].filter(e => e.getClientRects().length).length")
    assert inside > 0
    page.locator("#queue-panel summary, #queue-panel button").first.focus()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(first).to_be_focused()


# --- Colour is never the only signal -------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_overdue_at_risk_and_paused_are_said_in_visible_words(full_demo, live_server, sized_page, sign_in, size):
    width, height, phone = SIZES[size]
    items = raise_in_every_state()
    page = sized_page(width, height, phone)
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    words = {"overdue": "Overdue", "at_risk": "At risk", "paused": "Paused"}
    for state, item in items.items():
        row = page.locator(f"#row-{item.pk}")
        expect(row).to_have_class(f"q-row state-{state}")
        label = row.locator(".q-state .state-label")
        expect(label).to_be_visible()
        expect(label).to_have_text(words[state])
        assert label.bounding_box()["width"] > 10, f"{state}: the word is squeezed out of sight"
        expect(row.locator(".q-state .q-icon")).to_be_visible()  # and a symbol beside it
    expect(page.locator(f"#row-{items['paused'].pk} .q-time")).to_have_text("clock stopped")

    director = sized_page(width, height, phone)
    sign_in(director, "service.director")
    director.goto(f"{live_server.url}/review/")
    overdue = director.locator(f"#item-{items['overdue'].pk}")
    expect(overdue).to_have_class("overdue")
    expect(overdue.get_by_text("overdue by")).to_be_visible()
    at_risk = director.locator(f"#item-{items['at_risk'].pk}")
    expect(at_risk).to_have_class("at-risk")
    expect(at_risk.locator(".at-risk-label")).to_be_visible()
    expect(at_risk.locator(".at-risk-label")).to_contain_text("at risk")
