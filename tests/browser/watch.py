"""Every page a journey visits is audited: axe-core's WCAG 2.1 A/AA rules and the width check of
``audit.py``, on each document and again after each htmx swap, at the journey's width.

``watch(context)`` installs axe and a small runner as init scripts of the browser context (run by
the automation protocol before the page's own scripts, so the page's Content-Security-Policy does
not govern them, as in ``audit.py``). The runner audits a document once it has loaded and its
animations have finished, and again after every htmx swap; it keeps its findings on
``window.__portalAudit``. Before each action a journey takes (a click, a key, a filled field, a
navigation) the watcher waits for the page's audit to finish and collects what it found, so a
page cannot be left before it has been measured. ``Watcher.check()`` fails on any serious or
critical violation and on any page wider than its window, naming the page.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Keyboard, Locator, Page

from .audit import AXE, FAILING_IMPACTS, MEASURE_WIDTH, WCAG_TAGS

RUNNER = """(() => {
  if (window.top !== window) return;  // frames are measured with their page
  const state = window.__portalAudit = {doc: Math.random(), seq: 0, done: false, results: []};
  let running = false, again = false;
  const settled = () => Promise.race([
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
    new Promise((resolve) => setTimeout(resolve, 1500)),
  ]);
  async function run() {
    if (running) { again = true; return; }
    running = true; state.done = false;
    do {
      again = false;
      await settled();
      const found = await window.axe.run(document, {runOnly: {type: "tag", values: TAGS},
                                                    resultTypes: ["violations"]});
      const width = (MEASURE_WIDTH)();
      state.seq += 1;
      state.results.push({
        doc: state.doc, seq: state.seq, url: location.href, title: document.title,
        scrollWidth: width.scrollWidth, innerWidth: width.innerWidth, widest: width.widest,
        violations: found.violations.filter((v) => FAILING.includes(v.impact)).map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.slice(0, 8).map((n) => n.target.join(" ")),
        })),
      });
    } while (again);
    running = false; state.done = true;
  }
  window.addEventListener("load", run);
  document.addEventListener("htmx:afterSettle", () => { state.done = false; setTimeout(run, 0); });
})();"""

WAIT = "() => document.readyState === 'complete' && window.__portalAudit && window.__portalAudit.done"
# Actions after which a journey may be on a new page or a swapped one: each waits for the audit of
# what it acts on first.
LOCATOR_ACTIONS = ("check", "click", "dblclick", "fill", "press", "press_sequentially", "select_option",
                   "set_checked", "set_input_files", "tap", "type", "uncheck")
PAGE_ACTIONS = ("goto", "reload", "go_back", "go_forward")
KEYBOARD_ACTIONS = ("press", "type", "insert_text")


@dataclass
class Watcher:
    """What the audits of one test's pages found."""

    pages: list[Page] = field(default_factory=list)
    seen: dict[tuple, dict] = field(default_factory=dict)
    keyboards: dict[int, Page] = field(default_factory=dict)

    def settle(self, page: Page) -> None:
        """Wait for ``page``'s audit to finish and keep what it found. A page that is already
        leaving (its document is being replaced) was measured when it settled, or is not a page."""
        if page.is_closed() or page.url in ("", "about:blank"):
            return
        for _ in range(3):
            try:
                page.wait_for_function(WAIT, timeout=15_000)
                results = page.evaluate("() => window.__portalAudit.results")
            except PlaywrightError as error:
                if "context was destroyed" in str(error) or "navigation" in str(error).lower():
                    continue  # the page navigated meanwhile: measure the new one
                raise
            for result in results:
                self.seen[(result["doc"], result["seq"])] = result
            return

    def settle_all(self) -> None:
        for page in self.pages:
            self.settle(page)

    @property
    def results(self) -> list[dict]:
        return list(self.seen.values())

    def check(self) -> None:
        """Fail on a serious or critical violation or on a page wider than its window."""
        assert self.results, "no page was audited"
        problems = []
        for result in self.results:
            where = f"{result['title']} ({result['url']}) at {result['innerWidth']} px"
            for v in result["violations"]:
                problems.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}\n    "
                                + "\n    ".join(v["targets"]))
            if result["scrollWidth"] > result["innerWidth"]:
                sticking = ", ".join(result["widest"]) or "no single element"
                problems.append(f"{where}: the page is {result['scrollWidth']} px wide (sticking out: {sticking})")
        assert not problems, "\n".join(problems)


def runner_script() -> str:
    return (RUNNER.replace("TAGS", json.dumps(WCAG_TAGS))
            .replace("FAILING", json.dumps(sorted(FAILING_IMPACTS)))
            .replace("MEASURE_WIDTH", MEASURE_WIDTH))


def watch(monkeypatch, watcher: Watcher) -> None:
    """Make every action on a watched page wait for its audit first (see the module's docstring)."""
    def before(method, page_of):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            page = page_of(self)
            if page is not None and page in watcher.pages:
                watcher.settle(page)
            return method(self, *args, **kwargs)
        return wrapper

    for name in LOCATOR_ACTIONS:
        monkeypatch.setattr(Locator, name, before(getattr(Locator, name), lambda locator: locator.page))
    for name in PAGE_ACTIONS:
        monkeypatch.setattr(Page, name, before(getattr(Page, name), lambda page: page))
    for name in KEYBOARD_ACTIONS:
        monkeypatch.setattr(Keyboard, name, before(getattr(Keyboard, name), lambda kb: watcher.keyboards.get(id(kb))))


def add_page(watcher: Watcher, page: Page) -> None:
    watcher.pages.append(page)
    watcher.keyboards[id(page.keyboard)] = page


def install(context) -> None:
    context.add_init_script(script=AXE.read_text())
    context.add_init_script(script=runner_script())
