"""The published analysis as a PDF (WeasyPrint): the carrier's branding, page numbers, and the
version and date on every page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from . import rules
from .models import Version


def version_pdf(version: Version) -> bytes:
    """Render one published version. The same version always gives the same document."""
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
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def timeline_entries(version: Version) -> list[dict]:
    """The stored timeline with its instants parsed back (they are kept as ISO 8601 text)."""
    return [entry | {"at": dt.datetime.fromisoformat(entry["at"])} for entry in version.timeline]


def filename(version: Version) -> str:
    pm = version.postmortem
    safe_ticket = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in pm.ticket_number)
    return f"post-mortem-{pm.account.number}-{safe_ticket}-v{version.number}.pdf"
