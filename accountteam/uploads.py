"""Uploaded files: which types the portal keeps, and how big they may be.

One validator, ``validate_upload``, sits on every file field (models, forms, serializers): the
name must end in an allowed extension and the content must be what the extension says (its
magic bytes, or for Office and OpenDocument files the package's parts; text is UTF-8 without
NUL), and the file at most ``settings.UPLOAD_MAX_BYTES``.

The size is refused early too, before the body is read: ``UploadLimitHandler`` (the first upload
handler) refuses a file part of a request larger than a file may be, and stops any file the
moment it grows past the limit. The API answers 400 with a message under the file's field
(``api_errors.exception_handler``); a page answers with a page that says so
(``UploadLimitMiddleware``), the rest of its form unread.

The types are documented in docs/guide-service-manager.md and docs/api.md.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models.fields.files import FieldFile
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from .bounds import grouped

# A file's request carries the rest of its form too (other fields, the multipart framing).
FORM_ALLOWANCE = 64 * 1024
_HEAD = 8192  # what the content sniffing reads
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    label: str  # with its article, as ``validate_upload`` completes "The file's content is not …"
    extensions: tuple[str, ...]
    magic: str = ""  # what ``filetype`` must recognise in the first bytes
    part: str = ""  # Office Open XML: a part the package must hold
    odf: str = ""  # OpenDocument: the package's ``mimetype``
    text: bool = False  # UTF-8 text without NUL


# Each label carries its indefinite article: it completes "The file's content is not …, as its name
# says." (the context tells translators so).
FILE_TYPES = (
    FileType(pgettext_lazy("file type, with its article", "a PDF document"), ("pdf",), magic="pdf"),
    FileType(pgettext_lazy("file type, with its article", "a Word document"), ("docx",), part="word/document.xml"),
    FileType(pgettext_lazy("file type, with its article", "an Excel workbook"), ("xlsx",), part="xl/workbook.xml"),
    FileType(
        pgettext_lazy("file type, with its article", "a PowerPoint presentation"),
        ("pptx",),
        part="ppt/presentation.xml",
    ),
    FileType(
        pgettext_lazy("file type, with its article", "an OpenDocument text"),
        ("odt",),
        odf="application/vnd.oasis.opendocument.text",
    ),
    FileType(
        pgettext_lazy("file type, with its article", "an OpenDocument spreadsheet"),
        ("ods",),
        odf="application/vnd.oasis.opendocument.spreadsheet",
    ),
    FileType(
        pgettext_lazy("file type, with its article", "an OpenDocument presentation"),
        ("odp",),
        odf="application/vnd.oasis.opendocument.presentation",
    ),
    FileType(pgettext_lazy("file type, with its article", "a plain text file"), ("txt",), text=True),
    FileType(pgettext_lazy("file type, with its article", "a CSV file"), ("csv",), text=True),
    FileType(pgettext_lazy("file type, with its article", "a saved email"), ("eml",), text=True),
    FileType(pgettext_lazy("file type, with its article", "a PNG image"), ("png",), magic="png"),
    FileType(pgettext_lazy("file type, with its article", "a JPEG image"), ("jpg", "jpeg"), magic="jpg"),
    FileType(pgettext_lazy("file type, with its article", "a GIF image"), ("gif",), magic="gif"),
    FileType(pgettext_lazy("file type, with its article", "a WebP image"), ("webp",), magic="webp"),
)
BY_EXTENSION = {ext: kind for kind in FILE_TYPES for ext in kind.extensions}
ALLOWED_WORDS = gettext_lazy(
    # Translators: the file types the portal accepts; keep the extensions (.docx, ...) as they are.
    "PDF; Word, Excel and PowerPoint (.docx, .xlsx, .pptx); OpenDocument (.odt, .ods, .odp); "
    "plain text (.txt), CSV and saved emails (.eml); PNG, JPEG, GIF and WebP images"
)


def size_words(size: int) -> str:
    """25 MB, 1.5 MB, 500 KB, 900 bytes (numbers as the current language writes them)."""
    for factor, words in ((1024 * 1024, _("%(size)s MB")), (1024, _("%(size)s KB"))):
        if size >= factor:
            return words % {"size": f"{size / factor:.4g}".replace(".", get_format("DECIMAL_SEPARATOR"))}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": grouped(size)}


def too_large_message() -> str:
    # Translators: %(size)s is the upload limit, such as "25 MB".
    return _("The file is larger than %(size)s, the most the portal keeps.") % {
        "size": size_words(settings.UPLOAD_MAX_BYTES)
    }


def _new_upload(value):
    """The uploaded file behind ``value``, or None for a file already stored (not checked again:
    it was checked when it came, and reading it back from storage on every save would be waste)."""
    if isinstance(value, FieldFile):
        return None if value._committed else value.file
    return value


def _content_matches(kind: FileType, upload) -> bool:
    upload.seek(0)
    try:
        if kind.text:
            return _is_utf8_text(upload)
        head = upload.read(_HEAD)
        if kind.magic:
            return filetype.guess_extension(head) == kind.magic
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
                if kind.part:
                    return "[Content_Types].xml" in names and kind.part in names
                if "mimetype" not in names:
                    return False
                with package.open("mimetype") as entry:
                    return entry.read(100).strip() == kind.odf.encode()
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return False
    finally:
        upload.seek(0)


def _is_utf8_text(upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := upload.read(_CHUNK):
        if b"\x00" in chunk:
            return False
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def validate_upload(value) -> None:
    """The validator of every file field: an allowed type, whose content matches its name, of at
    most ``UPLOAD_MAX_BYTES``."""
    upload = _new_upload(value)
    if upload is None:
        return
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = BY_EXTENSION.get(extension)
    if kind is None:
        if extension:
            # Translators: %(extension)s is the file name's extension, such as "exe"; %(allowed)s
            # the list of the file types the portal accepts.
            refusal = _("“.%(extension)s” files are not accepted. Allowed: %(allowed)s.") % {
                "extension": extension,
                "allowed": ALLOWED_WORDS,
            }
        else:
            # Translators: %(allowed)s is the list of the file types the portal accepts.
            refusal = _("Files without an extension are not accepted. Allowed: %(allowed)s.") % {
                "allowed": ALLOWED_WORDS
            }
        raise ValidationError(refusal, code="file_type")
    size = getattr(upload, "size", None) or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(), code="file_too_large")
    if not _content_matches(kind, upload):
        raise ValidationError(
            # Translators: %(kind)s is a file type with its article ("a PDF document"), %(name)s the
            # file's name.
            _("The file's content is not %(kind)s, as its name “%(name)s” says.") % {"kind": kind.label, "name": name},
            code="file_content",
        )


# --- Refusing early -----------------------------------------------------------------------------


class UploadTooLarge(BadRequest):
    """A file over the limit in a request: ``field`` names the form field it came in."""

    def __init__(self, field: str):
        self.field = field
        super().__init__(too_large_message())


class UploadLimitHandler(FileUploadHandler):
    """The first upload handler: refuses a file part before reading its content when the request
    is larger than a file (and its form) may be, and stops a file whose content grows past the
    limit (a request may not say how big it is). Passes every chunk on to the next handler."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0
        if self.request_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            # As Django does for a broken body: later reads of the form find it empty rather
            # than parse the half-read body again.
            self.request._mark_post_parse_error()
        raise UploadTooLarge(self.field_name)


class UploadLimitMiddleware:
    """Reads a page's multipart form before the CSRF check would, so that a file over the limit
    is answered with a page that says so (400). The API's views are exempt from the CSRF
    middleware and read their bodies themselves (DRF answers through ``exception_handler``).
    Stands before ``CsrfViewMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        if getattr(view_func, "csrf_exempt", False):
            return None
        try:
            request.POST  # noqa: B018  (parsing is the point)
        except UploadTooLarge as exc:
            return too_large_response(request, exc)
        return None


def too_large_response(request, exc: UploadTooLarge):
    if request.path.startswith("/api/"):
        return JsonResponse({exc.field: [str(exc)]}, status=400)
    back = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("home")
    return render(
        request, "upload_too_large.html", {"message": str(exc), "field": exc.field, "back": back}, status=400
    )
