"""The character counter in a real browser: every text box with a limit shows how much of it is
used ("45 / 20,000"), updates as one types, is announced politely, and stops at the limit."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.journey


def test_the_request_form_counts_characters_as_the_customer_types(demo, live_server, page, sign_in):
    sign_in(page, "clec.user")
    page.goto(f"{live_server.url}/postmortems/request/")

    impact = page.get_by_label("Impact on your business")
    counter = page.locator(f"#{impact.get_attribute('id')}-counter")
    expect(counter).to_have_text("0 / 20,000")
    expect(counter).to_have_attribute("aria-live", "polite")
    assert counter.get_attribute("id") in impact.get_attribute("aria-describedby")

    impact.fill("Boulder customers had no dial tone all night.")
    expect(counter).to_have_text("45 / 20,000")

    questions = page.get_by_label("Questions the analysis should answer")
    questions.fill("x" * 20_005)  # the browser keeps the limit
    expect(page.locator(f"#{questions.get_attribute('id')}-counter")).to_have_text("20,000 / 20,000")
