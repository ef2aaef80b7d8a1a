"""Small genuine files of every type the portal keeps, and a few it refuses, for upload tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00\x10\x02\x00\x9d\x01*\x01\x00\x01\x00\x02\x004%\xa4\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


def ooxml(main_part: str) -> bytes:
    """An Office Open XML package (what Word, Excel or PowerPoint saves) with its main part."""
    return _package({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", main_part: b"<x/>"})


def opendocument(mimetype: str) -> bytes:
    """An OpenDocument package: its uncompressed ``mimetype`` entry first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype.encode(), compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")
PPTX = ooxml("ppt/presentation.xml")
ODT = opendocument("application/vnd.oasis.opendocument.text")
ODS = opendocument("application/vnd.oasis.opendocument.spreadsheet")
ODP = opendocument("application/vnd.oasis.opendocument.presentation")
PLAIN_ZIP = _package({"notes.txt": b"hello"})

ACCEPTED = {
    "agreement.pdf": PDF,
    "diagram.png": PNG,
    "photo.jpg": JPEG,
    "photo.JPEG": JPEG,
    "animation.gif": GIF,
    "picture.webp": WEBP,
    "minutes.docx": DOCX,
    "circuits.xlsx": XLSX,
    "review.pptx": PPTX,
    "minutes.odt": ODT,
    "circuits.ods": ODS,
    "review.odp": ODP,
    "notes.txt": "Trunk group 42 — réseau, 東京\n".encode(),
    "circuits.csv": b"circuit,site\nDS3-0042,Boulder\n",
    "karen.eml": b"From: karen@home.example\r\nSubject: Trunks\r\n\r\nHello",
}

REFUSED_TYPES = {  # name → what is wrong
    "page.html": HTML,
    "setup.exe": EXE,
    "archive.zip": PLAIN_ZIP,
    "README": b"no extension",
}

MISMATCHED = {  # a name that lies about its content
    "invoice.pdf": EXE,
    "diagram.png": PDF,
    "minutes.docx": PLAIN_ZIP,
    "minutes.odt": DOCX,
    "photo.jpg": HTML,
    "notes.txt": b"\xff\xfe\x00h\x00i",  # UTF-16, not UTF-8
    "circuits.csv": b"a,b\n\x00\x01,\x02\n",  # NUL: binary
}


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
