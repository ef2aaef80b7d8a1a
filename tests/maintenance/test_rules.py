"""The pure rules of network notices: references, windows, the statuses a window moves through,
the outage's transitions and the day-before reminder's time."""

import datetime as dt

import pytest

from maintenance import rules
from maintenance.models import Kind, Status
from maintenance.rules import NoticeConflict

from .factories import ENDS, STARTS

HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("reference", "ok"),
    [("GCR-2026-1187", True), ("12345678", True), ("GC", False), ("GCR 2026", False), ("MO-2026-0001", False),
     ("", False), ("G" * 41, False)],
)
def test_a_gcr_number_is_letters_digits_and_hyphens_not_an_outage_reference(reference, ok):
    assert (rules.reference_error(rules.normalised_reference(reference)) is None) is ok


def test_a_gcr_number_is_read_in_capitals_without_spaces_around():
    assert rules.normalised_reference("  gcr-2026-1187 ") == "GCR-2026-1187"


def test_outage_references_count_per_year():
    assert rules.outage_reference(2026, 1) == "MO-2026-0001"
    assert rules.outage_number("MO-2026-0042", 2026) == 42
    assert rules.outage_number("MO-2025-0042", 2026) == 0
    assert rules.outage_number("GCR-1", 2026) == 0


@pytest.mark.parametrize(
    ("kind", "starts_at", "ends_at", "fields"),
    [
        (Kind.MAINTENANCE, STARTS, ENDS, set()),
        (Kind.MAINTENANCE, STARTS, None, {"ends_at"}),
        (Kind.MAINTENANCE, STARTS, STARTS, {"ends_at"}),
        (Kind.MAINTENANCE, STARTS, STARTS - HOUR, {"ends_at"}),
        (Kind.MAINTENANCE, STARTS, STARTS + dt.timedelta(days=15), {"ends_at"}),
        (Kind.MAINTENANCE, None, ENDS, {"starts_at"}),
        (Kind.OUTAGE, STARTS, None, set()),
        (Kind.OUTAGE, STARTS, STARTS - HOUR, {"ends_at"}),
    ],
)
def test_a_window_ends_after_it_starts_and_a_maintenance_has_an_end(kind, starts_at, ends_at, fields):
    assert set(rules.window_errors(kind=kind, starts_at=starts_at, ends_at=ends_at)) == fields


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        (Status.SCHEDULED, STARTS - HOUR, Status.SCHEDULED),
        (Status.SCHEDULED, STARTS, Status.IN_PROGRESS),
        (Status.SCHEDULED, ENDS, Status.COMPLETED),  # the sweep missed the whole window
        (Status.IN_PROGRESS, ENDS - HOUR, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, ENDS + HOUR, Status.COMPLETED),
        (Status.CANCELLED, STARTS, Status.CANCELLED),
    ],
)
def test_a_maintenance_moves_by_its_window(status, now, expected):
    assert rules.due_status(status=status, starts_at=STARTS, ends_at=ENDS, now=now) == expected


def test_a_changed_window_sets_the_status_from_scratch():
    assert rules.window_status(starts_at=STARTS, ends_at=ENDS, now=STARTS - HOUR) == Status.SCHEDULED
    assert rules.window_status(starts_at=STARTS, ends_at=ENDS, now=STARTS + HOUR) == Status.IN_PROGRESS
    assert rules.window_status(starts_at=STARTS, ends_at=ENDS, now=ENDS) == Status.COMPLETED


@pytest.mark.parametrize(
    ("published_at", "now", "due"),
    [
        (STARTS - dt.timedelta(days=3), STARTS - dt.timedelta(days=1, hours=1), False),  # too early
        (STARTS - dt.timedelta(days=3), STARTS - dt.timedelta(days=1), True),
        (STARTS - dt.timedelta(days=3), STARTS - HOUR, True),
        (STARTS - dt.timedelta(days=3), STARTS, False),  # it has started: the start notice says so
        (STARTS - dt.timedelta(hours=5), STARTS - HOUR, False),  # published within the day
    ],
)
def test_the_day_before_reminder_falls_in_the_last_day_unless_just_published(published_at, now, due):
    assert rules.day_before_due(starts_at=STARTS, published_at=published_at, now=now) is due


def test_an_outage_moves_forward_and_may_repeat_a_status_with_a_new_message():
    rules.require_outage_status(kind=Kind.OUTAGE, status=Status.INVESTIGATING, new=Status.IDENTIFIED)
    rules.require_outage_status(kind=Kind.OUTAGE, status=Status.INVESTIGATING, new=Status.RESTORED)
    rules.require_outage_status(kind=Kind.OUTAGE, status=Status.IDENTIFIED, new=Status.IDENTIFIED)
    with pytest.raises(NoticeConflict):
        rules.require_outage_status(kind=Kind.OUTAGE, status=Status.IDENTIFIED, new=Status.INVESTIGATING)
    with pytest.raises(NoticeConflict):
        rules.require_outage_status(kind=Kind.OUTAGE, status=Status.RESTORED, new=Status.RESTORED)
    with pytest.raises(NoticeConflict):
        rules.require_outage_status(kind=Kind.MAINTENANCE, status=Status.SCHEDULED, new=Status.RESTORED)


def test_only_a_maintenance_not_started_is_cancelled():
    rules.require_cancellable(kind=Kind.MAINTENANCE, status=Status.SCHEDULED)
    for kind, status in [(Kind.MAINTENANCE, Status.IN_PROGRESS), (Kind.MAINTENANCE, Status.COMPLETED),
                         (Kind.MAINTENANCE, Status.CANCELLED), (Kind.OUTAGE, Status.INVESTIGATING)]:
        with pytest.raises(NoticeConflict):
            rules.require_cancellable(kind=kind, status=status)


def test_changes_name_the_fields_that_changed_as_text():
    before = {"title": "A", "starts_at": STARTS, "impact": "x"}
    after = {"title": "A", "starts_at": STARTS + HOUR, "impact": "y"}
    assert rules.changes(before, after) == {
        "starts_at": ["2026-03-05T08:00:00+00:00", "2026-03-05T09:00:00+00:00"], "impact": ["x", "y"],
    }
