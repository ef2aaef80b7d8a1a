"""The audit trail as CSV, streamed (the page's *Download CSV*), at most ``MAX_ROWS`` rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import Max
from django.http import StreamingHttpResponse
from django.utils import translation

from accountteam.models import AuditEvent

# The most rows one download holds, newest first: narrow the dates for older ones.
MAX_ROWS = 50_000
COLUMNS = (
    "at", "action", "action_label", "actor_id", "actor", "ip_address", "user_agent", "company_id", "company",
    "target", "summary", "details",
)
# A cell a spreadsheet would run as a formula (a login name typed at a sign-in can start with "=").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row(event: AuditEvent) -> list:
    # Times in UTC with their offset: one clock for every reader of the file.
    return [cell(v) for v in (
        event.at.astimezone(dt.UTC).isoformat(), event.action, event.get_action_display(), event.actor_id,
        event.actor_name, event.ip_address, event.user_agent, event.company_id, event.company_name,
        event.target, event.summary_text(), json.dumps(event.details, ensure_ascii=False, sort_keys=True),
    )]


class _Echo:
    """A file that gives back what is written: csv.writer's lines, one at a time."""

    def write(self, value):
        return value


def lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    for values in rows:
        yield writer.writerow(values)


def csv_stream(events, *, filename: str) -> StreamingHttpResponse:
    """``events`` (a queryset, newest first) as a CSV download of at most ``MAX_ROWS`` rows, read
    from the database in chunks while it is sent, its labels in the language of the request (the
    rows are written after the view has returned)."""
    language = translation.get_language()
    # The rows are read while the file is sent, after this download's own event is written: the
    # file holds what was there when it was asked for.
    written = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    events = events.filter(id__lte=written)

    def rows():
        with translation.override(language):
            for event in events[:MAX_ROWS].iterator(chunk_size=2_000):
                yield row(event)

    response = StreamingHttpResponse(lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def error_csv(errors: dict) -> str:
    """A refused filter as CSV too: one ``field,message`` line per message."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("field", "message"))
    for field, messages in errors.items():
        for message in messages:
            writer.writerow((cell(field), cell(message)))
    return out.getvalue()
