"""Team lookup in a real browser: sign-in, the team cards, tenant isolation, the htmx search."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from teams.models import Account

pytestmark = pytest.mark.journey

SCREENSHOT = settings.BASE_DIR / "var" / "screenshots" / "team-lookup.png"


def test_customer_sees_own_team_and_not_another_company(demo, live_server, page, sign_in):
    sign_in(page, "clec.user")

    expect(page.get_by_role("heading", name="Your account team")).to_be_visible()
    card = page.locator("article.person-card").filter(
        has=page.locator("h4.person-name", has_text="Dana Whitfield")
    )
    expect(card.first).to_be_visible()
    pager = card.first.locator("a.pager")
    expect(pager).to_have_text("+1 303 555 0920")
    expect(pager).to_have_attribute("href", re.compile(r"^tel:\+13035550920$"))
    expect(page.locator("body")).not_to_contain_text("{{")
    expect(page.locator("body")).not_to_contain_text("{%")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.exists() and SCREENSHOT.stat().st_size > 0

    mesa = Account.objects.get(number="7002-0001")
    assert mesa.company.name == "Mesa Telecom"
    response = page.goto(f"{live_server.url}/accounts/{mesa.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Mesa Telecom")


def test_staff_search_is_scoped_and_swapped_in_place(demo, live_server, page, sign_in):
    sign_in(page, "service.manager")
    expect(page.get_by_role("heading", name="Hello, Dana Whitfield")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__marker = 1; }")

    box = page.locator("#account-q")
    results = page.locator("#results")

    box.press_sequentially("Front", delay=30)
    expect(results.get_by_role("link", name="7001-0001")).to_be_visible()
    expect(results).not_to_contain_text("7002-0001")

    box.fill("")
    box.press_sequentially("Mesa", delay=30)
    expect(results).to_contain_text("No account you can see matches “Mesa”.")
    expect(results).not_to_contain_text("7002-0001")
    expect(results.locator("table")).to_have_count(0)

    # The results came in over htmx: the page (and its window) survived.
    assert page.evaluate("() => window.__marker") == 1
