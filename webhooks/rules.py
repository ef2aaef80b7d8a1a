"""Pure rules for outgoing webhooks: no ORM, no clock, no I/O (``now`` is a parameter).

What a delivery's body and headers are, how it is signed, which endpoint addresses are accepted,
and when a failed attempt is tried again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from accountteam.errors import StateConflict

from .events import EVENTS

URL_LENGTH = 500
NAME_LENGTH = 100
# What a secret starts with, so that one found in a log or a repository is recognised.
SECRET_PREFIX = "whsec_"
SIGNATURE_SCHEME = "sha256"
USER_AGENT = "AccountTeamPortal-Webhooks/1.0"
# How much of an answer's body the delivery log keeps, and of an error.
ANSWER_EXCERPT = 200
ERROR_LENGTH = 500


class WebhookConflict(StateConflict):
    """An action the endpoint's or the delivery's state does not allow (the API answers 409)."""


# --- Endpoints ------------------------------------------------------------------------------------


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def url_error(url: str, *, allow_http: bool) -> str | None:
    """What is wrong with an endpoint's address, or None. HTTPS only (plain HTTP when
    ``allow_http``: a developer's machine); no user name or password in it (the secret signs)."""
    url = (url or "").strip()
    if not url:
        return _("Give the endpoint's address.")
    if len(url) > URL_LENGTH:
        return _("At most %(limit)s characters.") % {"limit": URL_LENGTH}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return _("Enter a web address such as https://example.com/portal-events.")
    parts = urlsplit(url)
    if parts.scheme != "https" and not allow_http:
        return _("The address must start with https://.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address: the signature proves who sent it.")
    if parts.fragment:
        return _("An address with a fragment (#…) cannot receive events.")
    return None


def events_error(events) -> str | None:
    if not events:
        return _("Choose at least one event.")
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        # Translators: %(events)s are event names (escalation.raised), kept as they are.
        return _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}
    return None


def ordered_events(events) -> list[str]:
    """The chosen events once each, in the catalogue's order."""
    chosen = set(events)
    return [name for name in EVENTS if name in chosen]


# --- A delivery -----------------------------------------------------------------------------------


def body(*, delivery_id: str, event: str, occurred_at: dt.datetime, data: dict) -> str:
    """The JSON a delivery posts: ``{"id", "event", "occurred_at", "data"}``, written once when the
    event happens and sent as it is on every attempt (the signature covers these very bytes)."""
    envelope = {"id": delivery_id, "event": event, "occurred_at": instant(occurred_at), "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def instant(value: dt.datetime) -> str:
    """A time as every body writes it: ISO 8601 in UTC (``2026-03-02T17:00:00+00:00``)."""
    return (value.astimezone(dt.UTC) if value.tzinfo else value).isoformat()


def _json_default(value):
    if isinstance(value, dt.datetime):
        return instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``"<timestamp>.<body>"`` with the endpoint's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_SCHEME}={digest}"


def headers(*, secret: str, timestamp: int, body: bytes, event: str, delivery_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Portal-Event": event,
        "X-Portal-Delivery": delivery_id,
        "X-Portal-Timestamp": str(timestamp),
        "X-Portal-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }


def succeeded(status_code: int | None) -> bool:
    """A 2xx answer is a delivery; anything else (a redirect too: none is followed) is a failure."""
    return status_code is not None and 200 <= status_code < 300


def retry_delay(*, attempts: int, base_seconds: int) -> dt.timedelta:
    """How long after its ``attempts``-th failed attempt a delivery is tried again: ``base``, then
    twice as long each time (1, 2, 4, 8 … minutes with a base of 60 s)."""
    return dt.timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


def next_attempt_at(*, attempts: int, max_attempts: int, now: dt.datetime, base_seconds: int) -> dt.datetime | None:
    """When a delivery that has just failed its ``attempts``-th attempt is tried again; None when it
    has used them all (it has failed)."""
    if attempts >= max_attempts:
        return None
    return now + retry_delay(attempts=attempts, base_seconds=base_seconds)


def error_text(text: str) -> str:
    """An error or an answer's excerpt as the log keeps it: one line of printable text, bounded."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in (text or "")).strip()
    return cleaned[:ERROR_LENGTH]
