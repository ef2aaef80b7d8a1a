"""Headless Chromium for the browser journeys (Debian's /usr/bin/chromium, never a download)."""

import os
from pathlib import Path

import pytest

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
def page(browser):
    """A fresh context (no cookies shared between tests) and its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
