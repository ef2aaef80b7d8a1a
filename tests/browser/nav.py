"""The portal's header as a journey uses it, at any width."""

from __future__ import annotations


def menu(page):
    """``page`` with its main menu open: below 768 px the menu folds behind the Menu button
    (``static/js/layout.js``), which this presses; on a laptop the menu is always shown."""
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page
