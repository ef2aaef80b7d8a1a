"""The accessibility and width audit of one page: axe-core's WCAG 2.1 A/AA rules, no sideways scroll,
and a full-page screenshot.

``audit(page, name)`` fails on a serious or critical axe violation or on a page wider than the
window; ``inspect(page, name)`` runs the same checks and returns what it found, for a test that
wants to tell the two apart (see ``test_every_page.py``). Both write the page's moderate and minor
violations to ``var/a11y/{name}-{width}.json`` and its screenshot to
``var/screenshots/{name}-{width}.png``; ``summarise()`` reads the JSON files back into one table.

axe-core is vendored (``assets/axe.min.js``, MPL-2.0, see ``assets/axe.LICENSE.txt``). The portal's
Content-Security-Policy allows no inline script, so Playwright's ``add_script_tag`` (which injects
the file's text inline) is refused. The script is evaluated through the automation protocol
instead, which the page's policy does not govern: the page keeps its real policy during the audit,
so what axe measures is what a person's browser shows (``bypass_csp`` would also let inline styles
through, and could hide a page that only looks right because of them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "assets" / "axe.min.js"
VAR = HERE.parents[1] / "var"
A11Y_DIR = VAR / "a11y"
SCREENSHOT_DIR = VAR / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Run alongside and recorded, never failed on: landmarks, heading order and the like.
ADVISORY_TAGS = ["best-practice"]
FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    tags: v.tags,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summaries: v.nodes.map((n) => n.failureSummary || ""),
  }));
}"""

MEASURE_WIDTH = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  widest: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
    .slice(0, 5)
    .map((el) => {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.classList.length ? "." + [...el.classList].join(".") : "");
      return `${name} (${Math.round(el.getBoundingClientRect().right)} px)`;
    }),
})"""


@dataclass
class AuditResult:
    """What the audit found on one page at one width."""

    name: str
    url: str
    width: int
    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    inner_width: int = 0
    too_wide_elements: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def wcag(self) -> list[dict]:
        return [v for v in self.violations if set(v["tags"]) & set(WCAG_TAGS)]

    @property
    def serious(self) -> list[dict]:
        """The WCAG violations the audit fails on."""
        return [v for v in self.wcag if v["impact"] in FAILING_IMPACTS]

    @property
    def moderate(self) -> list[dict]:
        """The WCAG violations that are recorded, not failed on."""
        return [v for v in self.wcag if v["impact"] not in FAILING_IMPACTS]

    @property
    def advisory(self) -> list[dict]:
        """axe's best practices that are not WCAG criteria, whatever their impact: recorded only."""
        return [v for v in self.violations if not set(v["tags"]) & set(WCAG_TAGS)]

    @property
    def too_wide(self) -> bool:
        return self.scroll_width > self.inner_width

    def describe_serious(self) -> str:
        lines = [f"{self.name} at {self.width} px ({self.url}) has serious accessibility violations:"]
        for v in self.serious:
            lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {target}" for target in v["targets"][:8])
            if len(v["targets"]) > 8:
                lines.append(f"    and {len(v['targets']) - 8} more")
        return "\n".join(lines)

    def describe_width(self) -> str:
        widest = ", ".join(self.too_wide_elements) or "no single element"
        return (f"{self.name} is {self.scroll_width} px wide in a {self.inner_width} px window "
                f"(sticking out: {widest})")

    def check(self) -> None:
        """Fail on a serious or critical violation, then on sideways scroll."""
        assert not self.serious, self.describe_serious()
        assert not self.too_wide, self.describe_width()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def _brief(violations: list[dict]) -> list[dict]:
    return [{k: v[k] for k in ("id", "impact", "help", "helpUrl", "targets")} for v in violations]


def inspect(page, name: str) -> AuditResult:
    """Run axe and the width check on ``page`` as it stands, save its screenshot and its moderate
    and minor violations, and return the findings without judging them."""
    # Loaded, and no htmx request in flight (htmx marks the element that sent one): quicker than
    # waiting for the network to be idle, which costs half a second a page.
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    width = page.viewport_size["width"]
    result = AuditResult(name=name, url=page.url, width=width)
    result.violations = page.evaluate(RUN_AXE, WCAG_TAGS + ADVISORY_TAGS)
    measured = page.evaluate(MEASURE_WIDTH)
    result.scroll_width = measured["scrollWidth"]
    result.inner_width = measured["innerWidth"]
    result.too_wide_elements = measured["widest"] if result.too_wide else []

    stem = f"{_slug(name)}-{width}"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    result.screenshot = SCREENSHOT_DIR / f"{stem}.png"
    page.screenshot(path=str(result.screenshot), full_page=True)
    A11Y_DIR.mkdir(parents=True, exist_ok=True)
    (A11Y_DIR / f"{stem}.json").write_text(json.dumps({
        "page": name,
        "url": page.url,
        "width": width,
        "scroll_width": result.scroll_width,
        "moderate_or_minor": _brief(result.moderate),
        "best_practice": _brief(result.advisory),
        "serious_or_critical": _brief(result.serious),
    }, indent=2))
    return result


def audit(page, name: str) -> AuditResult:
    """Audit ``page`` under ``name``: fail on a serious or critical WCAG 2.1 A/AA violation (listing
    each rule, its impact and the elements' selectors) or on a page wider than the window."""
    result = inspect(page, name)
    result.check()
    return result


def summarise(directory: Path = A11Y_DIR) -> list[tuple[str, str, str, int, int]]:
    """What the recorded pages still have, one row per rule: (kind, rule, impact, pages, elements),
    kind being "WCAG" (moderate or minor) or "best practice"."""
    found: dict[tuple[str, str, str], list[int]] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text())
        for kind, key in (("WCAG", "moderate_or_minor"), ("best practice", "best_practice")):
            for v in data.get(key, []):
                counts = found.setdefault((kind, v["id"], v["impact"]), [0, 0])
                counts[0] += 1
                counts[1] += len(v["targets"])
    return [(kind, rule, impact, n_pages, n_elements)
            for (kind, rule, impact), (n_pages, n_elements) in sorted(found.items())]


def summarise_pages(directory: Path = A11Y_DIR) -> list[tuple[str, int, str]]:
    """Per recorded page and width, the rules it still breaks: (page, width, "rule ×elements, ...")."""
    rows = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text())
        found = data.get("moderate_or_minor", []) + data.get("best_practice", [])
        rules = [f"{v['id']} ×{len(v['targets'])}" for v in found]
        if rules:
            rows.append((data["page"], data["width"], ", ".join(rules)))
    return rows


if __name__ == "__main__":
    # .venv/bin/python tests/browser/audit.py [--pages]: what remains, as Markdown tables.
    import sys

    if "--pages" in sys.argv:
        print("| page | width | rules (elements) |\n|---|---|---|")
        rows = summarise_pages()
    else:
        print("| kind | rule | impact | pages | elements |\n|---|---|---|---|---|")
        rows = summarise()
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
