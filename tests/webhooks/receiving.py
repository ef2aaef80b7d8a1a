"""A receiver's check of a delivery, as the README shows it: the signature over
``"<timestamp>.<raw body>"`` with the endpoint's secret, and a timestamp no older than the tolerance."""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


def verified(secret: str, headers, body: bytes, now: float | None = None) -> bool:
    timestamp = headers.get("X-Portal-Timestamp", "")
    signature = headers.get("X-Portal-Signature", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # unsigned, or replayed long after it was sent
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
