"""The service report as a PDF (WeasyPrint), in the reader's language, for a service review:
the same tables and inline SVG chart as the page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from postmortems.pdf import page_counter


def report_pdf(context: dict) -> bytes:
    html = render_to_string(
        "servicereports/pdf.html",
        context | {"carrier_name": settings.CARRIER_NAME, "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
                   "page_counter": page_counter()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def filename(company, period) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in company.name).strip("-")[:60] or "company"
    return f"service-report-{safe}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.pdf"
