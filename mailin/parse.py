"""Raw e-mail bytes read into a :class:`Parsed` record: pure functions, no ORM, no clock, no I/O.

The delivery (matching senders, creating escalations), the IMAP poller and the pages call
:func:`parse`; nothing here knows about them. Mail comes from strangers, so every step is
defensive: :func:`parse` raises only :class:`MalformedMessage`, and only for bytes that carry no
header block at all; anything else (bad charsets, broken MIME, hostile headers) yields the best
record that can be read, with every text field bounded.

The standard library's ``email`` package (``email.policy.default``) reads the message; HTML is
sanitised with nh3 before ``html.parser`` turns it into text. Regular expressions only recognise
reply headers ("On … wrote:") and similar markers, they never sanitise anything.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from html import escape as html_escape
from html.parser import HTMLParser
from typing import TypeVar

import nh3

__all__ = ["Attachment", "MalformedMessage", "Parsed", "addresses_of", "parse", "thread_ids"]

MAX_TEXT = 60_000
MAX_SUBJECT = 300
MAX_NAME = 300
MAX_FILENAME = 200
MAX_ID = 998  # the longest line RFC 5322 allows
MAX_IDS = 100
MAX_ADDRESS = 320
MAX_ADDRESSES = 100
MAX_DEPTH = 40  # MIME nesting followed; deeper parts are ignored
MAX_PARTS = 1_000  # MIME parts looked at
MAX_HTML = 2_000_000  # characters of one HTML part handed to the sanitiser
ELLIPSIS = "…"

T = TypeVar("T")


class MalformedMessage(ValueError):
    """The bytes are not an e-mail at all: empty, or no header block."""


@dataclass(frozen=True)
class Attachment:
    """A file that came with the message."""

    filename: str  # a safe basename, at most MAX_FILENAME characters
    content_type: str  # lower-case "type/subtype"
    content: bytes


@dataclass(frozen=True)
class Parsed:
    """What the portal needs from one incoming message; every string is bounded and clean."""

    message_id: str
    in_reply_to: list[str]
    references: list[str]
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    date: dt.datetime | None
    received_at: dt.datetime | None
    text: str
    reply: str
    attachments: list[Attachment]
    automatic: str

    @property
    def is_automatic(self) -> bool:
        """True for mail no person wrote (auto-replies, bounces, lists): never answer it."""
        return bool(self.automatic)


# --- Entry points -------------------------------------------------------------------------------


def parse(raw: bytes, *, own_hosts: Iterable[str] = ()) -> Parsed:
    """The message in ``raw`` read into a :class:`Parsed`.

    ``own_hosts`` are our mail servers: ``received_at`` is the time the topmost ``Received:``
    header written by one of them (or by any server, when none are given) states. Raises
    :class:`MalformedMessage` only when ``raw`` has no header block; never anything else.
    """
    msg = _message_of(raw)
    hosts = [own_hosts] if isinstance(own_hosts, str) else list(own_hosts)
    subject = _bounded(_collapse(_header(msg, "Subject")), MAX_SUBJECT)
    sender, sender_name = _sender(msg)
    text, quote_line = _body_text(msg)
    return Parsed(
        message_id=_first_or_empty(_message_ids(_raw_header(msg, "Message-ID"))),
        in_reply_to=_bounded_ids(_message_ids(" ".join(_raw_headers(msg, "In-Reply-To")))),
        references=_bounded_ids(_message_ids(" ".join(_raw_headers(msg, "References")))),
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(msg),
        subject=subject,
        date=_date_of(_raw_header(msg, "Date")),
        received_at=_received_at(_raw_headers(msg, "Received"), hosts),
        text=text,
        reply=_trim_reply(text, quote_line=quote_line, forwarded=_is_forward_subject(subject)),
        attachments=_attachments(msg),
        automatic=_automatic(msg, subject=subject),
    )


def thread_ids(parsed: Parsed) -> list[str]:
    """The ids this message answers, the most telling first: ``In-Reply-To``, then
    ``References`` from the newest back, each once."""
    return _unique([*parsed.in_reply_to, *reversed(parsed.references)])


def addresses_of(header_value: str) -> list[str]:
    """The lower-cased e-mail addresses in an address header's value, each once, in order."""
    value = _unsurrogate(header_value or "")
    found = [address for _, address in _attempt(lambda: _getaddresses(value), [])]
    if not any("@" in address for address in found):
        found = _LOOSE_ADDRESS.findall(value)
    return _unique(a.strip().lower() for a in found if _plausible_address(a.strip()))[:MAX_ADDRESSES]


# --- Reading the bytes --------------------------------------------------------------------------


def _message_of(raw: bytes) -> Message:
    """The parsed message; the headers alone when the full parse fails on hostile MIME."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw).lstrip(b"\r\n")
    if not raw.strip():
        raise MalformedMessage("empty input")
    msg = _attempt(lambda: email.message_from_bytes(raw, policy=email.policy.default), None)
    if msg is None:
        parser = BytesParser(policy=email.policy.default)
        msg = _attempt(lambda: parser.parsebytes(raw, headersonly=True), None)
    if msg is None or not _attempt(lambda: list(msg.raw_items()), []):
        raise MalformedMessage("no header block")
    return msg


def _attempt(call: Callable[[], T], default: T) -> T:
    """``call()``, or ``default`` when it raises.

    Only for calls into the standard library's parsers with hostile input: they raise an
    assortment (IndexError, HeaderParseError, LookupError, RecursionError, …) that no caller
    could handle better than by carrying on without the value.
    """
    try:
        return call()
    except Exception:
        return default


# --- Headers ------------------------------------------------------------------------------------


def _raw_headers(msg: Message, name: str) -> list[str]:
    """Every ``name`` header's value as sent (encoded words intact), unfolded, 8-bit bytes decoded."""
    wanted = name.lower()
    items = _attempt(lambda: list(msg.raw_items()), [])
    return [_unfold(_unsurrogate(str(value))) for key, value in items if str(key).lower() == wanted]


def _raw_header(msg: Message, name: str) -> str:
    """The first ``name`` header's value as sent; "" when absent."""
    values = _raw_headers(msg, name)
    return values[0] if values else ""


def _header(msg: Message, name: str) -> str:
    """The first ``name`` header, RFC 2047 decoded; "" when absent."""
    raw = _raw_header(msg, name)
    return _decoded(name, raw) if raw else ""


def _decoded(name: str, raw: str) -> str:
    """``raw`` decoded the way ``email.policy.default`` reads header ``name``; failing that,
    with ``email.header``; failing that, as it stands."""
    value = _attempt(lambda: str(email.policy.default.header_fetch_parse(name, raw)), None)
    if value is None:
        value = _decoded_words(raw)
    return _clean(_unsurrogate(value))


def _decoded_words(value: str) -> str:
    """``value`` with its RFC 2047 encoded words decoded (as it stands when they are broken)."""
    return _attempt(lambda: str(make_header(decode_header(value))), value) if "=?" in value else value


def _unfold(value: str) -> str:
    """A folded header value on one line."""
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def _unsurrogate(value: str) -> str:
    """``value`` with the stand-ins for undecodable 8-bit bytes (lone surrogates, as the parser
    leaves them) decoded as UTF-8, else Windows-1252, else Latin-1."""
    if not any("\ud800" <= ch <= "\udfff" for ch in value):
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        data = value.encode("utf-8", "replace")
    return _decode_bytes(data, None)


def _collapse(value: str) -> str:
    """Runs of whitespace as one space, trimmed."""
    return " ".join(value.split())


def _bounded(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    """``value`` in NFC, with ``\n`` line ends and no control characters other than tab and
    newline (a NUL cannot even be stored)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", value))


def _unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats or empties, in their first order."""
    return [v for v in dict.fromkeys(values) if v]


# --- Ids, addresses, dates ----------------------------------------------------------------------

_BRACKETED_ID = re.compile(r"<([^<>\s]+)>")


def _message_ids(value: str) -> list[str]:
    """The message ids in a Message-ID, In-Reply-To or References value, brackets removed.

    Bracketed ids are taken and comments around them ignored; a value without brackets is read
    as whitespace-separated ids (some clients send ``Message-ID: id@host``)."""
    ids = _BRACKETED_ID.findall(value) or re.split(r"[\s<>,;]+", value)
    return _unique(i[:MAX_ID] for i in ids if _is_token(i))


def _first_or_empty(values: list[str]) -> str:
    """The first of ``values``, or ""."""
    return values[0] if values else ""


def _bounded_ids(ids: list[str]) -> list[str]:
    """At most MAX_IDS ids: the first (the thread's root) and the newest."""
    return ids if len(ids) <= MAX_IDS else [ids[0], *ids[-(MAX_IDS - 1) :]]


_LOOSE_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


def _getaddresses(value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header's value, read by ``email.utils``."""
    return email.utils.getaddresses([value])


def _is_token(value: str) -> bool:
    """True for a run of printable characters without spaces or angle brackets."""
    return all(ch.isprintable() and not ch.isspace() and ch not in "<>" for ch in value)


def _plausible_address(address: str) -> bool:
    """One ``local@domain`` with nothing around it."""
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and len(address) <= MAX_ADDRESS and _is_token(address)


def _sender(msg: Message) -> tuple[str, str]:
    """From's address (lower case) and decoded display name; ("", "") when none can be read."""
    raw = _raw_header(msg, "From")
    if not raw:
        return "", ""
    header = _attempt(lambda: email.policy.default.header_fetch_parse("From", raw), None)
    pairs = [(a.display_name, a.addr_spec) for a in _attempt(lambda: list(header.addresses), [])]
    if not any(_plausible_address(address) for _, address in pairs):  # the policy gave up: read it plainly
        pairs = [(_decoded_words(name), address) for name, address in _attempt(lambda: _getaddresses(raw), [])]
    for name, address in pairs:
        address = _clean(_unsurrogate(address)).strip().lower()
        if _plausible_address(address):
            return address, _bounded(_collapse(_clean(_unsurrogate(name))), MAX_NAME)
    return "", ""


def _recipients(msg: Message) -> list[str]:
    """Addresses from Delivered-To, X-Original-To, To and Cc, in that order, each once."""
    headers = ("Delivered-To", "X-Original-To", "To", "Cc")
    found = [address for name in headers for value in _raw_headers(msg, name) for address in addresses_of(value)]
    return _unique(found)[:MAX_ADDRESSES]


def _date_of(value: str) -> dt.datetime | None:
    """An RFC 5322 date as an aware datetime (a zone of -0000 is UTC); None when unreadable."""
    value = _strip_comments(value).strip()
    if not value:
        return None
    moment = _attempt(lambda: email.utils.parsedate_to_datetime(value), None)
    if not isinstance(moment, dt.datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _strip_comments(value: str) -> str:
    """``value`` without (parenthesised comments), nested ones included."""
    previous = None
    while previous != value:
        previous, value = value, re.sub(r"\([^()]*\)", " ", value)
    return value


_BY_HOST = re.compile(r"\bby\s+([^\s;]+)", re.IGNORECASE)


def _received_at(received: list[str], own_hosts: list[str]) -> dt.datetime | None:
    """The time in the topmost ``Received:`` written by one of ``own_hosts`` (any, if none)."""
    hosts = [h.strip().strip(".").lower() for h in own_hosts if h and h.strip().strip(".")]
    for value in received:
        if not hosts or _host_matches(_received_by(value), hosts):
            _, semicolon, when = value.rpartition(";")
            return _date_of(when) if semicolon else None
    return None


def _received_by(value: str) -> str:
    """The ``by`` host of a Received header, lower case; "" when it names none."""
    match = _BY_HOST.search(_strip_comments(value.rpartition(";")[0] or value))
    return match.group(1).strip("[]").rstrip(".").lower() if match else ""


def _host_matches(host: str, own_hosts: list[str]) -> bool:
    """True when ``host`` is one of ``own_hosts`` or a subdomain of one."""
    return bool(host) and any(host == own or host.endswith("." + own) for own in own_hosts)


# --- MIME walking -------------------------------------------------------------------------------


def _walk(part: Message, depth: int = 0) -> Iterator[Message]:
    """``part`` and the parts inside it, depth first; never into message/* parts (a forwarded
    message or a delivery report is one part of ours, not more of our body)."""
    yield part
    if depth >= MAX_DEPTH or _content_type(part).startswith("message/") or not part.is_multipart():
        return
    for child in _children(part):
        yield from _walk(child, depth + 1)


def _children(part: Message) -> list[Message]:
    """The sub-parts of a multipart part (none when its payload is not a list)."""
    payload = _attempt(part.get_payload, None)
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _parts(msg: Message) -> list[Message]:
    """Every part of ``msg`` we look at, at most MAX_PARTS."""
    found = []
    for part in _walk(msg):
        found.append(part)
        if len(found) >= MAX_PARTS:
            break
    return found


def _content_type(part: Message) -> str:
    """The part's ``type/subtype``, lower case (text/plain when unreadable, as RFC 2045 says)."""
    return str(_attempt(part.get_content_type, "text/plain")).lower()


def _disposition(part: Message) -> str:
    """``attachment``, ``inline`` or ""."""
    return str(_attempt(part.get_content_disposition, None) or "").lower()


def _param(part: Message, name: str, header: str = "content-type") -> str:
    """A parameter of the part's Content-Type (or other) header, lower case; "" when absent."""
    value = _attempt(lambda: part.get_param(name, header=header), None)
    if isinstance(value, tuple):  # an RFC 2231 (charset, language, value) triple
        value = _attempt(lambda: email.utils.collapse_rfc2231_value(value), "")
    return str(value or "").strip().lower()


def _payload_bytes(part: Message) -> bytes:
    """The part's content with its transfer encoding undone; b"" when there is none."""
    data = _attempt(lambda: part.get_payload(decode=True), None)
    return data if isinstance(data, bytes) else b""


# --- Text parts and charsets --------------------------------------------------------------------

# Labels mail clients use for charsets Python knows under another, larger, name.
_CHARSET_ALIASES = {
    "iso-8859-1": ("windows-1252", "iso-8859-1"),
    "latin1": ("windows-1252", "iso-8859-1"),
    "latin-1": ("windows-1252", "iso-8859-1"),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "ks_c_5601-1987": ("cp949",),
    "euc-kr": ("cp949",),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2004"),
    "shift_jis": ("cp932", "shift_jis"),
    "sjis": ("cp932", "shift_jis"),
    "tis-620": ("cp874",),
    "windows-874": ("cp874",),
}
_FALLBACK_CHARSETS = ("utf-8", "windows-1252")


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """``data`` decoded with its declared charset; when that is unknown or wrong, as UTF-8,
    then Windows-1252, then Latin-1 (which decodes anything)."""
    declared = (charset or "").strip().strip("\"'").lower()
    candidates = (*_CHARSET_ALIASES.get(declared, (declared,) if declared else ()), *_FALLBACK_CHARSETS)
    for name in dict.fromkeys(candidates):
        text = _attempt(lambda name=name: data.decode(name), None)  # strict: a wrong charset fails
        if isinstance(text, str):
            return text
    return data.decode("latin-1", errors="replace")


def _part_text(part: Message) -> str:
    """A text part's content as clean text with ``\\n`` line ends."""
    charset = _attempt(part.get_content_charset, None)
    text = _clean(_decode_bytes(_payload_bytes(part), charset))
    if _content_type(part) == "text/plain" and _param(part, "format") == "flowed":
        text = _unflow(text, delsp=_param(part, "delsp") == "yes")
    return text


def _unflow(text: str, *, delsp: bool) -> str:
    """format=flowed text (RFC 3676) with its soft line breaks joined back into paragraphs."""
    logical: list[tuple[int, list[str]]] = []  # (quote depth, pieces of one paragraph)
    joining = False
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        soft = body.endswith(" ") and body != "-- "
        if soft and delsp:
            body = body[:-1]
        if joining and logical[-1][0] == depth:
            logical[-1][1].append(body)
        else:
            logical.append((depth, [body]))
        joining = soft
    return "\n".join(("> " * depth if depth else "") + "".join(pieces) for depth, pieces in logical)


# --- The body -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """One text part of the body, as text; ``quote_line`` is where its HTML marked quoted history."""

    text: str
    html: bool = False
    quote_line: int | None = None


def _body_text(msg: Message) -> tuple[str, int | None]:
    """The whole body as text (bounded), and the line where HTML marked the quoted history."""
    pieces: list[str] = []
    quote_line: int | None = None
    offset = 0
    for segment in _body_segments(msg):
        text = segment.text.strip("\n").rstrip()
        if not text.strip():
            continue
        if quote_line is None and segment.quote_line is not None:
            quote_line = offset + segment.quote_line
        pieces.append(text)
        offset += text.count("\n") + 2  # segments are joined by a blank line
    text = _bounded("\n\n".join(pieces), MAX_TEXT)
    if quote_line is not None and quote_line > text.count("\n"):
        quote_line = None
    return text, quote_line


def _body_segments(part: Message, depth: int = 0) -> list[_Segment]:
    """The text of ``part`` that makes the body, in order: the text/plain and text/html parts
    that are not attachments, one alternative of each multipart/alternative."""
    ctype = _content_type(part)
    if depth > MAX_DEPTH or ctype.startswith("message/"):
        return []
    if part.is_multipart():
        children = _children(part)[:MAX_PARTS]
        if ctype == "multipart/alternative":
            return _preferred_alternative([_body_segments(child, depth + 1) for child in children])
        return [segment for child in children for segment in _body_segments(child, depth + 1)]
    if _disposition(part) == "attachment":
        return []
    if ctype == "text/html":
        text, quote_line = _html_to_text(_part_text(part))
        return [_Segment(text, html=True, quote_line=quote_line)]
    if ctype == "text/plain" or ctype.startswith("multipart/"):  # a multipart with no parts: its raw text
        return [_Segment(_part_text(part))]
    return []


def _preferred_alternative(options: list[list[_Segment]]) -> list[_Segment]:
    """Of a multipart/alternative's parts, the first with plain text; else the first with any."""
    with_text = [option for option in options if any(segment.text.strip() for segment in option)]
    plain = [option for option in with_text if any(not s.html and s.text.strip() for s in option)]
    return (plain or with_text or [[]])[0]


# --- HTML to text -------------------------------------------------------------------------------

# Where mail clients put the quoted history in HTML: Gmail, Yahoo, Thunderbird; Outlook by id.
_HISTORY_CLASSES = frozenset({"gmail_quote", "yahoo_quoted", "moz-cite-prefix"})
_HISTORY_IDS = frozenset({"divRplyFwdMsg", "appendonsend"})
# Elements that end a line, and those that stand apart as a paragraph.
_LINE_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "figcaption",
     "figure", "footer", "header", "hr", "li", "main", "nav", "section", "tbody", "tfoot", "thead", "tr"}
)  # fmt: skip
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "table", "pre"})
_KEPT_TAGS = _LINE_TAGS | _PARAGRAPH_TAGS | {"a", "br", "td", "th"}
_MARK = "\ue000"  # a private-use character: stands on the line where quoted history starts
# HTML parsers slow down with the square of the nesting depth of block elements (html5ever looks
# for an open <p> at every <div>): deeper elements are left out before sanitising, as browsers do.
_MAX_HTML_DEPTH = 256
_NOT_NESTING = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "colgroup",
        "option",
        "optgroup",
        "script",
        "style",
        "title",
    }
)  # fmt: skip  (empty, closed by their next sibling, or holding raw text)


def _html_to_text(html: str) -> tuple[str, int | None]:
    """HTML as text: sanitised by nh3 first (scripts and styles dropped with their content), then
    read with ``html.parser``: line breaks at block elements, entities unescaped, quoted
    blockquotes prefixed "> ", link targets kept. Also the line where quoted history starts."""
    html = html[:MAX_HTML].replace(_MARK, "")
    if html.count("<") > _MAX_HTML_DEPTH:
        html = _shallow(html)
    cleaned = _attempt(
        lambda: nh3.clean(
            html,
            tags=set(_KEPT_TAGS),
            clean_content_tags={"script", "style", "title"},
            attributes={"a": {"href"}},
            tag_attribute_values={"div": {"id": set(_HISTORY_IDS)}},
            allowed_classes={"div": set(_HISTORY_CLASSES), "p": {"MsoNormal"}},
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
        ),
        "",
    )
    reader = _HtmlText()
    _attempt(lambda: (reader.feed(cleaned), reader.close()), None)
    return _layout(reader.text())


def _shallow(html: str) -> str:
    """``html`` with the elements nested deeper than _MAX_HTML_DEPTH left out (their text kept)."""
    writer = _ShallowHtml()
    _attempt(lambda: (writer.feed(html), writer.close()), None)
    return "".join(writer.out)


class _ShallowHtml(HTMLParser):
    """Writes HTML back out, leaving out start and end tags nested too deep, and comments.

    Not a sanitiser (nh3 comes next); only keeps the sanitiser's work linear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, written) of the elements open, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = tag in _NOT_NESTING or len(self._open) < _MAX_HTML_DEPTH
        if tag not in _NOT_NESTING:
            self._open.append((tag, written))
        if written:
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_NESTING:
            self.out.append(f"</{tag}>")
            return
        # The element it closes: near the top in any real document; a stray end tag is dropped.
        for index in range(len(self._open) - 1, max(-1, len(self._open) - 33), -1):
            if self._open[index][0] == tag:
                if self._open[index][1]:
                    self.out.append(f"</{tag}>")
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self.out.append(html_escape(data, quote=False))


class _HtmlText(HTMLParser):
    """Collects the text of sanitised HTML, line by line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._pieces: list[str] = []
        self._line_start = True
        self._quote_depth = 0
        self._pre_depth = 0
        self._links: list[tuple[str, int]] = []
        self._marked = False
        self._blank_lines = 0
        self._outlook_lines: list[bool] = []

    def text(self) -> str:
        """What was read so far."""
        return "".join(self._pieces)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "div" and not self._marked and _marks_history(attributes):
            self._mark()
        if tag == "p":
            # Outlook writes each line as a paragraph without margins: a line, not a paragraph.
            self._outlook_lines.append("MsoNormal" in attributes.get("class", "").split())
        if tag == "br":
            self._break(force=True)
        elif tag in _LINE_TAGS or (tag == "p" and self._outlook_lines[-1]):
            self._break()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "li":
            self._write("- ")
        elif tag in ("td", "th") and not self._line_start:
            self._write(" | ")
        elif tag == "a":
            self._links.append((attributes.get("href", ""), len(self._pieces)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._break()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._paragraph()
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag == "p" and self._outlook_lines and self._outlook_lines.pop():
            self._break()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
        elif tag in _LINE_TAGS:
            self._break()
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            suffix = _link_suffix(href, "".join(self._pieces[start:]))
            if suffix:
                self._write(suffix)

    def handle_data(self, data: str) -> None:
        if self._pre_depth:
            lines = data.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self._break(force=True)
                if line:
                    self._write(line)
            return
        data = re.sub(r"\s+", " ", data)
        if self._line_start or (self._pieces and self._pieces[-1].endswith(" ")):
            data = data.lstrip()
        if data:
            self._write(data)

    def _write(self, text: str) -> None:
        if self._line_start:
            self._pieces.append("> " * self._quote_depth)
            self._line_start = False
        self._pieces.append(text)
        self._blank_lines = 0

    def _break(self, *, force: bool = False) -> None:
        """End the line; ``force`` ends it even when empty (a blank line, "> " kept in a quote)."""
        if self._line_start:
            if not force:
                return
            self._pieces.append(("> " * self._quote_depth).rstrip())
            self._blank_lines += 1
        self._pieces.append("\n")
        self._line_start = True

    def _paragraph(self) -> None:
        self._break()
        if self._pieces and not self._blank_lines:
            self._break(force=True)

    def _mark(self) -> None:
        self._break()
        self._pieces.append(_MARK + "\n")
        self._marked = True


def _marks_history(attributes: dict[str, str]) -> bool:
    """True for the element a mail client wraps the quoted history in."""
    classes = set(attributes.get("class", "").split())
    return bool(classes & _HISTORY_CLASSES) or attributes.get("id", "") in _HISTORY_IDS


def _link_suffix(href: str, text: str) -> str:
    """The link's target, as " <target>", to follow its text; "" when the text shows it already."""
    href = href.strip()
    if not href.lower().startswith(("http://", "https://", "mailto:")) or len(href) > 2_000:
        return ""  # a relative or odd link means nothing in a text
    target = href.removeprefix("mailto:")
    return "" if target in text else f" <{target}>"


def _layout(text: str) -> tuple[str, int | None]:
    """Text read from HTML with lines right-trimmed, at most one blank line in a row, no blank
    lines around it, and the history mark taken out (its line number returned)."""
    kept: list[str] = []
    quote_line: int | None = None
    for line in (line.rstrip() for line in text.split("\n")):
        if line == _MARK:
            quote_line = len(kept) if quote_line is None else quote_line
        elif line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    if quote_line is not None and quote_line >= len(kept):
        quote_line = None
    return "\n".join(kept), quote_line


# --- The reply, without quoted history and signature --------------------------------------------

_ATTRIBUTION = re.compile(r"^\s*(?:On|El|Em)\s.*\d.*\s(?:wrote|escribió|escreveu)\s*:\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|El|Em)\s", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:original message|mensaje original|mensagem original)\s*-{2,}\s*$", re.IGNORECASE
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|de)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(?:sent|enviado(?:\s+(?:el|em))?|enviada(?:\s+em)?)\s*:", re.IGNORECASE)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|mensaje reenviado|mensagem encaminhada)\s*-{2,}"
    r"|begin forwarded message:|inicio del mensaje reenviado:|início da mensagem encaminhada:)\s*$",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^(?:\[[^\]]*\]\s*)*(?:fwd?|rv|enc|tr|wg)\s*:", re.IGNORECASE)
_RULE_LINE = re.compile(r"^\s*(?:_{3,}|-{3,}|={3,})\s*$")
_SIGNATURE_DELIMITERS = ("-- ", "--")
_LONGEST_ATTRIBUTION = 400


def _is_forward_subject(subject: str) -> bool:
    """True when the subject says the message is a forward ("Fwd:", "FW:", "RV:", "ENC:")."""
    return bool(_FORWARD_SUBJECT.match(subject))


def _trim_reply(text: str, *, quote_line: int | None = None, forwarded: bool = False) -> str:
    """``text`` without the quoted history and signature below the reply.

    Cut at the first reply header ("On … wrote:", "-----Original Message-----", Outlook's
    "From: … Sent: …" block, or where HTML marked the history at ``quote_line``), at a
    signature delimiter ("-- ") above it, and before a trailing block of "> " lines. A forward
    (``forwarded``, or a "Forwarded message" line before any reply header) is kept whole: what
    was forwarded is what the customer sends us. When no cut is sure, or a cut would leave
    nothing, the text is returned as it is.
    """
    if forwarded:
        return text
    lines = text.split("\n")
    forward = next((i for i, line in enumerate(lines) if _FORWARD_MARKER.match(line)), None)
    quote = _first_history_line(lines, quote_line)
    if forward is not None and (quote is None or forward < quote):
        return text
    end = quote if quote is not None else len(lines)
    end = next((i for i, line in enumerate(lines[:end]) if line in _SIGNATURE_DELIMITERS), end)
    kept = lines[: _trailing_quote_start(lines[:end])]
    while kept and (not kept[-1].strip() or _RULE_LINE.match(kept[-1])):
        kept.pop()
    reply = "\n".join(kept).rstrip()
    return reply if reply.strip() else text


def _first_history_line(lines: list[str], html_mark: int | None) -> int | None:
    """The first line of quoted history: a reply header, or the HTML mark (unless what it marks
    is a forward); None when there is none."""
    attributions_cut = True  # until the first attribution turns out to head an interleaved reply
    for i, line in enumerate(lines):
        if i == html_mark and not any(_FORWARD_MARKER.match(following) for following in lines[i : i + 4]):
            return i
        if line.startswith(">"):
            continue
        if _ORIGINAL_MESSAGE.match(line) or _is_outlook_header(lines, i):
            return i
        if attributions_cut and _is_attribution(lines, i):
            if not _is_interleaved(lines, i):
                return i
            attributions_cut = False
    return None


def _is_attribution(lines: list[str], i: int) -> bool:
    """True when line ``i`` (perhaps wrapped onto the next) is "On <date>, <name> wrote:" or its
    Spanish or Portuguese form."""
    line = lines[i]
    if len(line) > _LONGEST_ATTRIBUTION or not _ATTRIBUTION_START.match(line):
        return False
    if _ATTRIBUTION.match(line):
        return True
    if i + 1 >= len(lines) or line.rstrip().endswith(":") or lines[i + 1].startswith(">"):
        return False
    joined = f"{line.rstrip()} {lines[i + 1].strip()}"
    return len(joined) <= _LONGEST_ATTRIBUTION and bool(_ATTRIBUTION.match(joined))


def _is_interleaved(lines: list[str], i: int) -> bool:
    """True when the quote after the attribution at ``i`` is answered in between (unquoted text
    after quoted lines): cutting there would lose the answers."""
    seen_quote = False
    for line in lines[i + 1 :]:
        if line in _SIGNATURE_DELIMITERS:
            return False
        if line.startswith(">"):
            seen_quote = True
        elif line.strip() and seen_quote:
            return True
    return False


def _is_outlook_header(lines: list[str], i: int) -> bool:
    """True when line ``i`` starts Outlook's header block: "From: …" with "Sent: …" (or
    "Enviado: …", "Enviado el: …", "Enviada em: …") within the next four lines."""
    return bool(_OUTLOOK_FROM.match(lines[i])) and any(_OUTLOOK_SENT.match(line) for line in lines[i + 1 : i + 5])


def _trailing_quote_start(lines: list[str]) -> int:
    """Where the block of "> " lines that ends ``lines`` starts; ``len(lines)`` when none does."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if not end or not lines[end - 1].startswith(">"):
        return len(lines)
    start = end - 1
    while start and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    while not lines[start].startswith(">"):
        start += 1
    return start


# --- Attachments --------------------------------------------------------------------------------

_SIGNATURE_TYPES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)
_EXTENSIONS = {
    "application/octet-stream": ".bin",
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "message/rfc822": ".eml",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
_UNSAFE_IN_FILENAMES = str.maketrans({c: "_" for c in '<>:"|?*'})


def _attachments(msg: Message) -> list[Attachment]:
    """The files in ``msg``: parts marked attachment, inline non-text parts with a filename (or
    with neither filename nor Content-ID), and forwarded messages. Inline images an HTML body
    refers to by Content-ID, and signatures of signed mail, are not files for us."""
    found: list[Attachment] = []
    for part in _parts(msg):
        attachment = _attachment_of(part, number=len(found) + 1)
        if attachment is not None:
            found.append(attachment)
    return found


def _attachment_of(part: Message, *, number: int) -> Attachment | None:
    """``part`` as the ``number``-th attachment, or None when it is not one."""
    ctype = _content_type(part)
    filename = _safe_filename(_filename(part))
    if ctype == "message/rfc822":
        return Attachment(filename or "forwarded-message.eml", ctype, _message_bytes(part))
    if ctype.startswith(("message/", "multipart/")) or ctype in _SIGNATURE_TYPES:
        return None
    if _disposition(part) != "attachment":
        if ctype in ("text/plain", "text/html"):
            return None  # the body
        if not filename and "Content-ID" in part:
            return None  # an image the HTML shows
    return Attachment(filename or f"attachment-{number}{_extension(ctype)}", ctype, _payload_bytes(part))


def _filename(part: Message) -> str:
    """The part's filename (Content-Disposition's, else Content-Type's name), RFC 2231 and
    RFC 2047 decoded; "" when it has none."""
    name = _attempt(part.get_filename, None)
    if not isinstance(name, str):
        return ""
    name = _unsurrogate(name)
    return _decoded_words(name)


def _safe_filename(name: str) -> str:
    """A basename safe to store: no directories, control or format characters (bidi overrides
    included), or characters Windows forbids; trimmed, at most MAX_FILENAME characters with the
    extension kept; "" when nothing usable is left."""
    name = unicodedata.normalize("NFC", _unsurrogate(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    name = _collapse(name.translate(_UNSAFE_IN_FILENAMES)).strip(". ")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_FILENAME - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            name = name[:MAX_FILENAME].rstrip(". ")
    return name


def _extension(content_type: str) -> str:
    """The usual file extension for ``content_type`` ("" when unknown), from Python's own table
    rather than the machine's, so the name does not depend on where the parser runs."""
    known = _EXTENSIONS.get(content_type)
    if known is None:
        known = _attempt(lambda: _mime_types().guess_extension(content_type), None) or ""
    return known


_MIME_TYPES: list[mimetypes.MimeTypes] = []


def _mime_types() -> mimetypes.MimeTypes:
    """Python's built-in table of types (made on first use)."""
    if not _MIME_TYPES:
        _MIME_TYPES.append(mimetypes.MimeTypes())
    return _MIME_TYPES[0]


def _message_bytes(part: Message) -> bytes:
    """A message/rfc822 part's message, as bytes."""
    payload = _attempt(part.get_payload, None)
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        inner = payload[0]
        data = _attempt(lambda: inner.as_bytes(policy=email.policy.compat32), None)
        if not isinstance(data, bytes):
            data = _attempt(lambda: inner.as_string().encode("utf-8", "replace"), b"")
        return data
    return _payload_bytes(part)


# --- Automatic mail -----------------------------------------------------------------------------

_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond")
_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(?:(?:automatic reply|auto|auto-?reply|auto reply|respuesta automática|resposta automática)\s*:"
    r"|out of (?:the )?office)",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_SYSTEM_SENDER = re.compile(r"\b(?:mailer-daemon|postmaster)\b", re.IGNORECASE)


def _automatic(msg: Message, *, subject: str) -> str:
    """Why no person wrote ``msg`` ("" when one did), the most specific reason first:
    "bounce", "auto-submitted", "autoreply", "precedence", "list"."""
    parts = _parts(msg)
    if _is_bounce(msg, parts):
        return "bounce"
    auto_submitted = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    # Not X-Auto-Response-Suppress: Outlook adds that to ordinary mail too.
    if any(_header(msg, name).strip().lower() not in ("", "no", "false", "0") for name in _AUTOREPLY_HEADERS):
        return "autoreply"
    if _AUTOREPLY_SUBJECT.match(unicodedata.normalize("NFC", subject)) or _is_read_receipt(parts):
        return "autoreply"
    if _header(msg, "Precedence").strip().lower() in _BULK_PRECEDENCE:
        return "precedence"
    if _raw_headers(msg, "List-Id") or _raw_headers(msg, "List-Unsubscribe"):
        return "list"
    return ""


def _is_bounce(msg: Message, parts: list[Message]) -> bool:
    """True for a delivery status notification: a delivery-status report, or mail from the
    mailer daemon with an empty return path."""
    for part in parts:
        ctype = _content_type(part)
        if ctype == "message/delivery-status":
            return True
        if ctype == "multipart/report" and _param(part, "report-type") == "delivery-status":
            return True
    return_path = _raw_headers(msg, "Return-Path")
    empty_return_path = bool(return_path) and return_path[0].replace(" ", "") in ("", "<>")
    return empty_return_path and bool(_SYSTEM_SENDER.search(_raw_header(msg, "From")))


def _is_read_receipt(parts: list[Message]) -> bool:
    """True for a message disposition notification (a read receipt)."""
    return any(
        _content_type(part) == "message/disposition-notification"
        or (_content_type(part) == "multipart/report" and _param(part, "report-type") == "disposition-notification")
        for part in parts
    )
