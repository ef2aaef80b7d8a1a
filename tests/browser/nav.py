"""The portal's header as a journey uses it, at any width."""

from __future__ import annotations

from playwright.sync_api import expect

NARROW = 768  # below it the menu folds behind the Menu button (static/css/portal.css)


def menu(page):
    """``page`` with its main menu open: below 768 px the menu folds behind the Menu button
    (``static/js/layout.js``), which this presses; on a laptop the menu is always shown. It waits
    for the page to load first: before its styles apply, the button is not yet shown."""
    page.wait_for_load_state("load")
    if page.viewport_size["width"] >= NARROW:
        return page
    toggle = page.locator("[data-nav-toggle]")
    expect(toggle).to_be_visible()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    return page
