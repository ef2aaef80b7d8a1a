"""The audit helper itself (``tests/browser/audit.py``) on pages made for it: it fails on what it
should, and records what it only reports."""

from __future__ import annotations

import json

import pytest

from . import audit as audit_module
from .audit import audit, inspect, summarise
from .watch import Watcher, add_page, install, watch

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head><body>
<main><h1>Broken on purpose</h1>
<h4>A heading that skips two levels</h4>
<button id="nameless"><svg width="10" height="10"></svg></button>
<div id="wide" style="width: 900px">Wider than a phone</div>
</main></body></html>"""

FINE = """<!doctype html><html lang="en"><head><title>Fine</title></head><body>
<main><h1>Fine</h1><p>Nothing to see.</p><button>Save the changes</button></main></body></html>"""


@pytest.fixture
def out(tmp_path, monkeypatch):
    """Screenshots and findings go to a temporary folder, not to var/."""
    monkeypatch.setattr(audit_module, "A11Y_DIR", tmp_path / "a11y")
    monkeypatch.setattr(audit_module, "SCREENSHOT_DIR", tmp_path / "screenshots")
    return tmp_path


def test_a_nameless_button_fails_and_says_which_rule_and_element(new_page, out):
    page = new_page()
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failed:
        audit(page, "broken")
    assert "button-name (critical)" in str(failed.value)
    assert "#nameless" in str(failed.value)
    assert (out / "screenshots" / "broken-1366.png").exists()


def test_a_page_wider_than_a_phone_is_measured_and_its_widest_element_named(browser, out):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_content(BROKEN)
        result = inspect(page, "broken")
    finally:
        context.close()
    assert result.too_wide and result.scroll_width >= 900 and result.inner_width == 390
    assert any(element.startswith("div#wide") for element in result.too_wide_elements)
    assert "broken is" in result.describe_width()


def test_moderate_findings_are_recorded_per_page_and_width_and_summarised(new_page, out):
    page = new_page()
    page.set_content(BROKEN)
    inspect(page, "broken")
    recorded = json.loads((out / "a11y" / "broken-1366.json").read_text())
    assert recorded["width"] == 1366
    assert "button-name" in [v["id"] for v in recorded["serious_or_critical"]]
    assert "heading-order" in [v["id"] for v in recorded["best_practice"]]
    assert ("best practice", "heading-order", "moderate", 1, 1) in summarise(out / "a11y")


def test_a_clean_page_passes(new_page, out):
    page = new_page()
    page.set_content(FINE)
    result = audit(page, "fine")
    assert result.violations == [] and not result.too_wide


LINKED = """<!doctype html><html lang="en"><head><title>Start</title></head><body>
<main><h1>Start</h1><p><a href="/broken">Go on</a></p><button id="go">Save the changes</button></main>
</body></html>"""


@pytest.fixture
def watched(browser, monkeypatch):
    """A context whose pages are audited as a journey's are (``watch.py``), served from
    ``http://watched.test/`` by the context itself."""
    watcher = Watcher()
    watch(monkeypatch, watcher)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    install(context)
    pages = {"/": LINKED, "/broken": BROKEN, "/fine": FINE}
    context.route("http://watched.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=pages[route.request.url.removeprefix("http://watched.test")]))
    page = context.new_page()
    add_page(watcher, page)
    yield watcher, page
    context.close()


def test_a_journey_is_audited_on_each_page_it_passes_through(watched):
    watcher, page = watched
    page.goto("http://watched.test/")
    page.get_by_role("link", name="Go on").click()  # to the broken page
    page.goto("http://watched.test/fine")  # ... which is measured before it is left
    watcher.settle_all()

    assert [r["url"].removeprefix("http://watched.test") for r in watcher.results] == ["/", "/broken", "/fine"]
    with pytest.raises(AssertionError) as failed:
        watcher.check()
    report = str(failed.value)
    assert "Broken (http://watched.test/broken) at 390 px: button-name (critical)" in report
    assert "#nameless" in report
    assert "the page is" in report and "div#wide" in report
    assert "/fine" not in report and "Start" not in report


def test_a_swapped_fragment_is_audited_again(watched):
    watcher, page = watched
    page.goto("http://watched.test/fine")
    page.locator("main").evaluate("""(main) => {
        main.insertAdjacentHTML("beforeend", '<button id="swapped"><svg width="9" height="9"></svg></button>');
        document.dispatchEvent(new Event("htmx:afterSettle"));
    }""")
    page.locator("h1").click()  # the next action waits for the second audit
    with pytest.raises(AssertionError) as failed:
        watcher.check()
    assert "#swapped" in str(failed.value)
    assert len(watcher.results) == 2
