"""The published analysis as a PDF (WeasyPrint): the carrier's branding, page numbers, and the
version and date on every page."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML

from . import rules
from .models import Version


def version_pdf(version: Version) -> bytes:
    """Render one published version in the active language (the reader's: the words around the
    analysis are translated, the analysis is the carrier's own). The same version and language
    always give the same document."""
    pm = version.postmortem
    html = render_to_string(
        "postmortems/pdf.html",
        {
            "version": version,
            "pm": pm,
            "duration": rules.format_duration(pm.duration),
            "timeline": timeline_entries(version),
            "zone": pm.manager.calendar.time_zone,
            "carrier_name": settings.CARRIER_NAME,
            "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
            "page_counter": page_counter(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def page_counter() -> SafeString:
    """The footer's "Page 1 of 3" as the value of a CSS ``content`` property: the translated
    words as CSS strings around the ``counter(page)`` and ``counter(pages)`` the page box fills in."""
    # Translators: the PDF's page footer; keep %(page)s and %(pages)s (the page number and the count).
    words = _("Page %(page)s of %(pages)s")
    parts = []
    for i, piece in enumerate(re.split(r"%\((page|pages)\)s", words)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + "".join(_css_char(ch) for ch in piece) + '"')
    return mark_safe(" ".join(parts))


def _css_char(ch: str) -> str:
    """One character inside a CSS string in a <style> element (quotes, backslashes and markup escaped)."""
    return f"\\{ord(ch):x} " if ch in '"\\<>&\n' else ch


def timeline_entries(version: Version) -> list[dict]:
    """The stored timeline with its instants parsed back (they are kept as ISO 8601 text)."""
    return [entry | {"at": dt.datetime.fromisoformat(entry["at"])} for entry in version.timeline]


def filename(version: Version) -> str:
    pm = version.postmortem
    safe_ticket = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in pm.ticket_number)
    return f"post-mortem-{pm.account.number}-{safe_ticket}-v{version.number}.pdf"
