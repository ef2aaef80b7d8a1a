"""The one place a webhook leaves the portal: an HTTP POST with a short timeout, redirects not
followed (a receiver that moved must be registered again: the signature was meant for it)."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .rules import ANSWER_EXCERPT


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the status code (None when no answer came), how long it took, and
    what went wrong, if anything (an answer's excerpt for a failure status)."""

    status_code: int | None
    duration_ms: int
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx comes back as an HTTPError: a failed attempt


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(ANSWER_EXCERPT)
            return Answer(status_code=response.status, duration_ms=took())
    except urllib.error.HTTPError as exc:
        excerpt = _excerpt(exc)
        where = f" → {exc.headers.get('Location')}" if 300 <= exc.code < 400 and exc.headers.get("Location") else ""
        return Answer(status_code=exc.code, duration_ms=took(), error=f"HTTP {exc.code}{where}: {excerpt}".rstrip(": "))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return Answer(status_code=None, duration_ms=took(), error=f"No answer within {timeout:g} s.")
        return Answer(status_code=None, duration_ms=took(), error=str(reason))
    except TimeoutError:
        return Answer(status_code=None, duration_ms=took(), error=f"No answer within {timeout:g} s.")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Answer(status_code=None, duration_ms=took(), error=f"{type(exc).__name__}: {exc}")


def _excerpt(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(ANSWER_EXCERPT).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
