"""CSV export of the review's tables (pages and API share the writer)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# A cell a spreadsheet would run as a formula (a customer's subject line can start with "=").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def whole_seconds(seconds: float | None) -> int | None:
    """A duration for a spreadsheet: whole seconds (the column's name says "seconds")."""
    return None if seconds is None else int(round(seconds))


def percent(rate: float | None) -> float | None:
    """A share between 0 and 1 as a percentage to one decimal (0.8333… → 83.3; the column's name
    says "percent"); None, an empty cell, when nothing was decided."""
    return None if rate is None else round(rate * 100, 1)


def csv_text(columns: Sequence[str], rows: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[dict]) -> HttpResponse:
    response = HttpResponse(csv_text(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
