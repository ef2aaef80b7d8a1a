"""The pure rules of webhooks: the body, the signature, the addresses accepted, the back-off."""

import datetime as dt
import hashlib
import hmac
import json

import pytest

from webhooks import rules
from webhooks.events import EVENTS, WebhookEvent

NOW = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)


def test_the_signature_is_the_hmac_sha256_of_the_timestamp_a_dot_and_the_raw_body():
    body = b'{"id":"x","event":"escalation.raised"}'
    expected = hmac.new(b"whsec_test", b"1767000000." + body, hashlib.sha256).hexdigest()

    assert rules.signature(secret="whsec_test", timestamp=1767000000, body=body) == f"sha256={expected}"


def test_the_headers_name_the_event_the_delivery_and_carry_the_timestamp_and_signature():
    body = b"{}"
    headers = rules.headers(secret="s", timestamp=1767000000, body=body, event="handoff.completed", delivery_id="d-1")

    assert headers["X-Portal-Event"] == "handoff.completed"
    assert headers["X-Portal-Delivery"] == "d-1"
    assert headers["X-Portal-Timestamp"] == "1767000000"
    assert headers["X-Portal-Signature"] == rules.signature(secret="s", timestamp=1767000000, body=body)
    assert headers["Content-Type"].startswith("application/json")


def test_the_body_has_the_stable_envelope_with_times_in_iso_8601_utc():
    denver = NOW.astimezone(dt.timezone(dt.timedelta(hours=-7)))
    data = {"id": 7, "due_at": denver, "day": dt.date(2026, 3, 2), "none": None}
    body = json.loads(rules.body(delivery_id="d-1", event="escalation.raised", occurred_at=denver, data=data))

    assert body == {
        "id": "d-1", "event": "escalation.raised", "occurred_at": "2026-03-02T17:00:00+00:00",
        "data": {"id": 7, "due_at": "2026-03-02T17:00:00+00:00", "day": "2026-03-02", "none": None},
    }


def test_secrets_are_random_and_recognisable():
    first, second = rules.new_secret(), rules.new_secret()

    assert first != second
    assert first.startswith("whsec_") and len(first) > 40


@pytest.mark.parametrize(
    ("url", "allow_http", "ok"),
    [
        ("https://noc.example.com/hooks", False, True),
        ("https://noc.example.com:8443/hooks?source=portal", False, True),
        ("http://noc.example.com/hooks", False, False),
        ("http://127.0.0.1:8001/hooks", True, True),
        ("ftp://noc.example.com/hooks", True, False),
        ("https://user:secret@noc.example.com/hooks", False, False),
        ("https://noc.example.com/hooks#part", False, False),
        ("not a url", False, False),
        ("", False, False),
        ("https://noc.example.com/" + "a" * 500, False, False),
    ],
)
def test_endpoint_addresses(url, allow_http, ok):
    assert (rules.url_error(url, allow_http=allow_http) is None) is ok


def test_events_must_be_known_and_at_least_one():
    assert rules.events_error([]) is not None
    assert rules.events_error(["escalation.raised", "escalation.exploded"]) is not None
    assert rules.events_error(["escalation.raised"]) is None
    assert rules.ordered_events(["maintenance.published", "escalation.raised", "escalation.raised"]) == [
        "escalation.raised", "maintenance.published",
    ]


def test_the_back_off_doubles_from_the_base_one_two_four_eight_minutes():
    delays = [rules.retry_delay(attempts=n, base_seconds=60) for n in (1, 2, 3, 4)]

    assert delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_a_delivery_is_retried_until_its_attempts_are_used():
    assert rules.next_attempt_at(attempts=1, max_attempts=3, now=NOW, base_seconds=60) == NOW + dt.timedelta(minutes=1)
    assert rules.next_attempt_at(attempts=2, max_attempts=3, now=NOW, base_seconds=60) == NOW + dt.timedelta(minutes=2)
    assert rules.next_attempt_at(attempts=3, max_attempts=3, now=NOW, base_seconds=60) is None


@pytest.mark.parametrize(("code", "ok"), [(200, True), (204, True), (299, True), (301, False), (404, False),
                                          (500, False), (None, False)])
def test_only_a_2xx_answer_is_a_delivery(code, ok):
    assert rules.succeeded(code) is ok


def test_an_unknown_event_cannot_be_emitted():
    with pytest.raises(ValueError):
        WebhookEvent(name="escalation.exploded", occurred_at=NOW, data={})
    assert len(EVENTS) == 9


def test_the_log_keeps_errors_printable_and_bounded():
    assert rules.error_text("bad\x00\nthing") == "bad  thing"
    assert len(rules.error_text("x" * 2000)) == rules.ERROR_LENGTH
