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

from .watch import Watcher, add_page, install, watch

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
# The two widths every journey runs at: a laptop and a phone.
SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


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


def pytest_generate_tests(metafunc):
    """A journey (``pytest.mark.journey``) runs on a laptop and on a phone."""
    if metafunc.definition.get_closest_marker("journey") and "screen" in metafunc.fixturenames:
        metafunc.parametrize("screen", list(SCREENS), indirect=True)


@pytest.fixture
def screen(request):
    """The width a test's pages open at: "desktop" unless it is a journey's phone run."""
    return getattr(request, "param", "desktop")


@pytest.fixture
def new_page(browser, screen, request, monkeypatch):
    """Pages in fresh browser contexts: each starts without another one's cookies, so two people can
    be signed in at the same time. Keyword arguments go to ``browser.new_context``.

    In a journey every page it visits is audited (``watch.py``): the test fails on a serious
    accessibility violation or a page wider than the window, wherever the journey went."""
    contexts = []
    journey = request.node.get_closest_marker("journey") is not None
    watcher = Watcher()
    if journey:
        watch(monkeypatch, watcher)

    def make(**options):
        context = browser.new_context(**(SCREENS[screen] | options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        if journey:
            install(context)
        page = context.new_page()
        if journey:
            add_page(watcher, page)
        return page

    yield make
    try:
        if journey:
            watcher.settle_all()
            watcher.check()
    finally:
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
        page.wait_for_load_state("load")

    return sign_in
