"""Responses that hand out what a dossier stores: uploaded files and iCalendar text.

Files are never linked through MEDIA_URL: every download goes through a view that found the row
with ``visible_to(user)`` first, and is served as an attachment (an uploaded HTML page must not
render in the portal's origin).
"""

from __future__ import annotations

import os

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _


def file_response(stored) -> FileResponse:
    """The stored file (a FieldFile) as a download; 404 when the row has none or it is missing."""
    if not stored:
        raise Http404(_("No file is attached."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(stored.name))


def ics_response(content: bytes, *, filename: str, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
