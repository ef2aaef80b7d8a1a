"""The pages work under the Content-Security-Policy: no inline script or style, no eval. Every
role's pages are visited in headless Chromium (the links of its home page and menu, plus its
working pages) with a listener for the browser's ``securitypolicyviolation`` events, and the
behaviours that used to be inline scripts are exercised."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from escalations import services
from teams.models import Account, Company, Membership

User = get_user_model()

# Installed by the browser automation, so the policy does not block it.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
SKIP = re.compile(r"/auth/logout|\.pdf|\.ics|\.csv|/pdf/|/export|download|/calendar/|/admin/logout")


@pytest.fixture
def watched(new_page):
    """A page that records CSP violations, and ``violations(page)`` to read them."""

    def make():
        page = new_page()
        page.context.add_init_script(RECORD_VIOLATIONS)
        return page

    return make


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        if urlsplit(url).netloc == urlsplit(base).netloc and not SKIP.search(url) and "#" not in href:
            found.append(url.split("#")[0])
    return list(dict.fromkeys(found))


def visit_all(page, live_server, username, sign_in, extra=()) -> dict[str, list[str]]:
    sign_in(page, username)
    assert "script-src 'self'" in page.request.get(live_server.url + "/").headers["content-security-policy"]
    urls = same_site_links(page, live_server.url) + [live_server.url + path for path in extra]
    problems = {}
    for url in list(dict.fromkeys(urls))[:40]:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        page.wait_for_load_state("networkidle")
        if violations(page):
            problems[url] = violations(page)
    return problems


@pytest.mark.parametrize(
    "username, extra",
    [
        ("clec.admin", ["/escalations/", "/postmortems/", "/me/settings/", "/me/tokens/", "/notifications/"]),
        ("service.manager", ["/queue/", "/escalations/", "/handoffs/", "/postmortems/", "/api/docs/"]),
        ("service.director", ["/review/", "/handoffs/", "/postmortems/"]),
        ("carrier.admin", ["/admin/", "/admin/teams/account/", "/accounts/"]),
    ],
)
def test_every_page_of_each_role_runs_without_a_policy_violation(
    demo, live_server, watched, sign_in, username, extra
):
    page = watched()
    assert visit_all(page, live_server, username, sign_in, extra) == {}


def test_the_sign_in_page_and_the_api_docs_work_under_the_policy(demo, live_server, watched):
    page = watched()
    page.goto(f"{live_server.url}/auth/login/")
    expect(page.locator("input[name=login]")).to_be_visible()
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_the_company_switch_sends_itself_when_the_choice_changes(demo, live_server, watched, sign_in):
    page = watched()
    sign_in(page, "clec.admin")
    switch = page.locator("#company-switch")
    other = switch.locator("option:not([selected])").first.get_attribute("value")
    switch.select_option(other)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#company-switch")).to_have_value(other)
    assert violations(page) == []


def test_the_account_search_swaps_results_in_place(demo, live_server, watched, sign_in):
    page = watched()
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/accounts/")
    page.locator("input[type=search]").first.fill("Front Range")
    expect(page.locator("#results")).to_contain_text("Front Range Fiber")
    expect(page).to_have_url(re.compile(r"q=Front"))
    assert violations(page) == []


def test_a_queue_items_panel_opens_in_place_with_its_timeline(demo, live_server, watched, sign_in):
    account = Account.objects.get(number="7001-0001")
    item = services.escalation_create(
        actor=User.objects.get(username="clec.user"), account=account, channel="pager", category="expedite",
        subject="Circuit down",
    )
    page = watched()
    sign_in(page, "service.manager")
    page.goto(f"{live_server.url}/queue/")
    page.locator(f"#row-{item.pk}").get_by_role("link", name=f"#{item.pk} Circuit down").click()
    timeline = page.locator("#queue-panel .timeline")
    expect(timeline).to_be_visible()
    expect(timeline).to_contain_text("Raised")
    assert violations(page) == []


def test_removing_a_user_asks_first_and_a_no_removes_nothing(demo, live_server, watched, sign_in):
    page = watched()
    sign_in(page, "clec.admin")
    company = Company.objects.get(name="Front Range Fiber")
    members = Membership.objects.filter(company=company).count()
    page.goto(f"{live_server.url}/companies/{company.pk}/users/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("button[name=remove]").first.click()
    page.wait_for_load_state("networkidle")
    assert asked and asked[0].startswith("Remove ")
    assert Membership.objects.filter(company=company).count() == members
    assert violations(page) == []
