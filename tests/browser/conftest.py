"""Headless Chromium for the browser journeys (Debian's /usr/bin/chromium, never a download)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo.teams import DEMO_PASSWORD, seed_demo
from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem

# Playwright's sync API keeps an event loop running in the main thread; without this Django
# refuses ORM calls made from the test itself (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser ``browser``; skip them all without Chromium."""
    missing = not CHROMIUM.exists()
    for item in items:
        if HERE not in item.path.resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt install chromium)"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts: each starts without another one's cookies, so two people can
    be signed in at the same time. Keyword arguments go to ``browser.new_context``."""
    contexts = []

    def make(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh context (no cookies shared between tests) and its page."""
    return new_page()


@pytest.fixture
def demo(transactional_db):
    """The demo data, with the escalation guidelines and the handoff checklist: both come from data
    migrations, which a transactional test's flush may have undone (their seeds only add what is
    missing)."""
    seeded = seed_demo()
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)
    seed_checklist(ChecklistTemplateItem)
    return seeded


@pytest.fixture
def sign_in(live_server):
    """``sign_in(page, username)``: sign in on ``page`` with the demo password; lands on the home page."""
    def sign_in(page, username):
        page.goto(f"{live_server.url}/auth/login/")
        page.locator("input[name=login]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_server.url}/")

    return sign_in
